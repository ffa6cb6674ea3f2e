/**
 * The HTTP layer, independent of what the routes do: {@link dev.shoal.server.http.ApiHandler}
 * (start here) runs every request through routing ({@link dev.shoal.server.http.Router}), keys, the
 * route's {@link dev.shoal.server.http.Route.Action} and the JSON error shape ({@link
 * dev.shoal.server.http.ErrorReply}); {@link dev.shoal.server.http.ApiServer} is the Jetty server
 * around it.
 */
package dev.shoal.server.http;
