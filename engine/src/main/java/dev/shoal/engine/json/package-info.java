/**
 * The JSON forms of API.md that carry engine semantics: documents and patches ({@link
 * dev.shoal.engine.json.DocumentJson}) and filters ({@link dev.shoal.engine.json.FilterJson}).
 * Readers report the first problem with its location and never drop unknown input.
 */
package dev.shoal.engine.json;
