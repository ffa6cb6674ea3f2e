package dev.shoal.engine;

/**
 * What a repair did (the seed's fields, plus detail).
 *
 * @param manifests live namespaces whose manifests were read
 * @param trackedObjects objects in the rebuilt table of shared objects
 * @param sweptObjects unreferenced objects deleted (only with sweep)
 * @param sweptBytes their bytes
 * @param referencedObjects objects referenced by live manifests
 */
public record RepairReport(
    int manifests, int trackedObjects, int sweptObjects, long sweptBytes, int referencedObjects) {}
