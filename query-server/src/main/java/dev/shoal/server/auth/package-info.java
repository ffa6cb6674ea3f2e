/**
 * API keys: the key file ({@link dev.shoal.server.auth.ApiKeys}, the place to start), scopes and
 * roles. The HTTP layer asks {@link dev.shoal.server.auth.ApiKeys#authenticate} who is calling and
 * checks {@link dev.shoal.server.auth.Scope} and {@link dev.shoal.server.auth.Role} per route.
 */
package dev.shoal.server.auth;
