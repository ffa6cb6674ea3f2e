package dev.shoal.engine.index.vector;

import java.lang.management.ManagementFactory;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API (JDK 17 incubator). Loaded reflectively by {@link VectorKernels} only
 * when the runtime has {@code jdk.incubator.vector}; compiled separately (see the engine POM).
 * Stateless and thread-safe.
 */
final class PanamaVectorOps implements VectorOps {

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = FLOATS.length();
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  // Bytes are widened to ints, so load as many bytes as there are int lanes.
  private static final VectorSpecies<Byte> BYTES =
      INTS.length() >= 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;

  // Without hardware FMA, FloatVector.fma falls back to slow software emulation.
  private static final boolean FMA = hasFastFma();

  PanamaVectorOps() {
    if (LANES < 4) {
      throw new UnsupportedOperationException("Vector API species too small: " + FLOATS);
    }
  }

  @Override
  public String name() {
    return "panama";
  }

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int len) {
    int i = 0;
    float res = 0f;
    if (len >= LANES) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      for (int upper = len - 2 * LANES; i <= upper; i += 2 * LANES) {
        FloatVector a0 = FloatVector.fromArray(FLOATS, a, aOffset + i);
        FloatVector b0 = FloatVector.fromArray(FLOATS, b, bOffset + i);
        FloatVector a1 = FloatVector.fromArray(FLOATS, a, aOffset + i + LANES);
        FloatVector b1 = FloatVector.fromArray(FLOATS, b, bOffset + i + LANES);
        acc0 = fma(a0, b0, acc0);
        acc1 = fma(a1, b1, acc1);
      }
      if (i <= len - LANES) {
        FloatVector a0 = FloatVector.fromArray(FLOATS, a, aOffset + i);
        FloatVector b0 = FloatVector.fromArray(FLOATS, b, bOffset + i);
        acc0 = fma(a0, b0, acc0);
        i += LANES;
      }
      res = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      res += a[aOffset + i] * b[bOffset + i];
    }
    return res;
  }

  @Override
  public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int len) {
    int i = 0;
    float res = 0f;
    if (len >= LANES) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      for (int upper = len - 2 * LANES; i <= upper; i += 2 * LANES) {
        FloatVector d0 =
            FloatVector.fromArray(FLOATS, a, aOffset + i)
                .sub(FloatVector.fromArray(FLOATS, b, bOffset + i));
        FloatVector d1 =
            FloatVector.fromArray(FLOATS, a, aOffset + i + LANES)
                .sub(FloatVector.fromArray(FLOATS, b, bOffset + i + LANES));
        acc0 = fma(d0, d0, acc0);
        acc1 = fma(d1, d1, acc1);
      }
      if (i <= len - LANES) {
        FloatVector d0 =
            FloatVector.fromArray(FLOATS, a, aOffset + i)
                .sub(FloatVector.fromArray(FLOATS, b, bOffset + i));
        acc0 = fma(d0, d0, acc0);
        i += LANES;
      }
      res = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      float d = a[aOffset + i] - b[bOffset + i];
      res += d * d;
    }
    return res;
  }

  @Override
  public float cosine(float[] a, int aOffset, float[] b, int bOffset, int len) {
    int i = 0;
    float dot = 0f;
    float normA = 0f;
    float normB = 0f;
    if (len >= LANES) {
      FloatVector accDot = FloatVector.zero(FLOATS);
      FloatVector accA = FloatVector.zero(FLOATS);
      FloatVector accB = FloatVector.zero(FLOATS);
      for (int upper = len - LANES; i <= upper; i += LANES) {
        FloatVector va = FloatVector.fromArray(FLOATS, a, aOffset + i);
        FloatVector vb = FloatVector.fromArray(FLOATS, b, bOffset + i);
        accDot = fma(va, vb, accDot);
        accA = fma(va, va, accA);
        accB = fma(vb, vb, accB);
      }
      dot = accDot.reduceLanes(VectorOperators.ADD);
      normA = accA.reduceLanes(VectorOperators.ADD);
      normB = accB.reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      float av = a[aOffset + i];
      float bv = b[bOffset + i];
      dot += av * bv;
      normA += av * av;
      normB += bv * bv;
    }
    return VectorKernels.cosineFromParts(dot, normA, normB);
  }

  @Override
  public int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int len) {
    int lanes = INTS.length();
    int i = 0;
    int res = 0;
    if (len >= lanes) {
      IntVector acc = IntVector.zero(INTS);
      for (int upper = len - lanes; i <= upper; i += lanes) {
        IntVector va = (IntVector) ByteVector.fromArray(BYTES, a, aOffset + i).castShape(INTS, 0);
        IntVector vb = (IntVector) ByteVector.fromArray(BYTES, b, bOffset + i).castShape(INTS, 0);
        acc = acc.add(va.mul(vb));
      }
      res = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      res += a[aOffset + i] * b[bOffset + i];
    }
    return res;
  }

  private static FloatVector fma(FloatVector a, FloatVector b, FloatVector acc) {
    return FMA ? a.fma(b, acc) : a.mul(b).add(acc);
  }

  private static boolean hasFastFma() {
    try {
      Class<?> beanClass = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
      Object bean =
          ManagementFactory.getPlatformMXBean(
              beanClass.asSubclass(java.lang.management.PlatformManagedObject.class));
      Object option = beanClass.getMethod("getVMOption", String.class).invoke(bean, "UseFMA");
      Object value = option.getClass().getMethod("getValue").invoke(option);
      return "true".equals(value);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return false;
    }
  }
}
