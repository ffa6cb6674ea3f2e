package dev.shoal.engine.index.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs in the forked Surefire execution started with {@code --add-modules jdk.incubator.vector};
 * skips only where the runtime really lacks the module.
 */
class PanamaVectorOpsTest {

  private static boolean modulepresent() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  @Test
  void panamaKernelsMatchDoublePrecisionReference() {
    assumeTrue(modulepresent(), "JVM started without --add-modules jdk.incubator.vector");
    VectorOps panama = VectorKernels.panamaOrNull();
    assertThat(panama).as("Panama kernels load when the module is present").isNotNull();
    assertThat(panama.name()).isEqualTo("panama");
    VectorKernelsTest.checkAgainstReference(panama, VectorKernelsTest.SEED + 7);
  }

  @Test
  void panamaIsTheDefaultWhenTheModuleIsPresent() {
    assumeTrue(modulepresent(), "JVM started without --add-modules jdk.incubator.vector");
    assertThat(VectorKernels.select("").name()).isEqualTo("panama");
    assertThat(VectorKernels.select("panama").name()).isEqualTo("panama");
    assertThat(VectorKernels.select("scalar").name()).isEqualTo("scalar");
  }
}
