/**
 * Shoal's REST query server. {@link dev.shoal.server.ShoalServer} (start here) is the main class
 * and assembles the parts: settings ({@link dev.shoal.server.ServerConfig}), the engine, the
 * endpoints ({@code api}), the HTTP layer ({@code http}), keys ({@code auth}), JSON bodies ({@code
 * json}) and metrics ({@code metrics}).
 */
package dev.shoal.server;
