/**
 * Runnable examples of Shoal, started through {@link dev.shoal.examples.Main} ({@code java -jar
 * examples/target/shoal-examples.jar [example]}). Start reading at {@link
 * dev.shoal.examples.quickstart.Quickstart} for the whole pipeline, or {@link
 * dev.shoal.examples.EngineDemo} for the engine alone.
 *
 * <p>This package holds what the examples share: {@link dev.shoal.examples.Dataset}, generated
 * articles; {@link dev.shoal.examples.Embeddings}, a small deterministic embedding function (not a
 * model); and command-line, progress and logging helpers.
 */
package dev.shoal.examples;
