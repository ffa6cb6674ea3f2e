package dev.shoal.server.api;

/**
 * The answer of {@code POST /v1/projects/{org}/{project}/repair} (the seed's {@code RepairReport}).
 *
 * @param manifests live manifests read
 * @param trackedObjects objects they reference
 * @param sweptObjects unreferenced objects deleted (0 without {@code sweep})
 */
public record RepairReport(int manifests, long trackedObjects, long sweptObjects) {}
