/**
 * The request and response bodies of API.md: {@link dev.shoal.server.json.RequestJson} reads them
 * (streaming, with located errors), {@link dev.shoal.server.json.ResponseJson} writes them.
 * Documents and filters use the engine's own JSON forms ({@code dev.shoal.engine.json}).
 */
package dev.shoal.server.json;
