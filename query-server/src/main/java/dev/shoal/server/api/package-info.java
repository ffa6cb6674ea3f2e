/**
 * The endpoints of API.md: {@link dev.shoal.server.api.ShoalApi} (start here) lists every route and
 * maps it to the engine; {@link dev.shoal.server.api.QueryLimiter} bounds concurrent queries.
 */
package dev.shoal.server.api;
