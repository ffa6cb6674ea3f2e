package dev.shoal.kafka;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.kafka.internal.Stores;
import dev.shoal.kafka.internal.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * The Shoal sink connector ({@code connector.class=dev.shoal.kafka.ShoalSinkConnector}): writes
 * records from Kafka topics into Shoal namespaces, exactly once by default. The keys are those of
 * {@link ShoalSinkConfig}; tasks get the same configuration plus their number.
 *
 * <p>{@link #validate} checks every value, the rules spanning keys, and that the store is reachable
 * and writable (it writes and deletes a probe object under {@code _probe/}).
 */
public class ShoalSinkConnector extends SinkConnector {
  private final Function<ShoalSinkConfig, ObjectStore> storeOpener;
  private Map<String, String> props;

  public ShoalSinkConnector() {
    this(Stores::open);
  }

  /** A connector whose {@link #validate} probes stores from {@code storeOpener} (tests). */
  public ShoalSinkConnector(Function<ShoalSinkConfig, ObjectStore> storeOpener) {
    this.storeOpener = requireNonNull(storeOpener, "storeOpener is null");
  }

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    this.props = new HashMap<>(new ShoalSinkConfig(props).originalsStrings());
  }

  @Override
  public Class<? extends Task> taskClass() {
    return ShoalSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> task = new HashMap<>(props);
      task.put(ShoalSinkConfig.TASK_ID, Integer.toString(i));
      configs.add(task);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return ShoalSinkConfig.CONFIG_DEF;
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    Map<String, ConfigValue> values = new HashMap<>();
    for (ConfigValue v : result.configValues()) {
      values.put(v.name(), v);
    }
    for (ConfigValue v : result.configValues()) {
      if (!v.errorMessages().isEmpty()) {
        return result; // per-key problems first: the rest would only repeat them
      }
    }
    ShoalSinkConfig config;
    try {
      config = ShoalSinkConfig.withoutCrossChecks(connectorConfigs);
    } catch (ConfigException e) {
      values.get(ShoalSinkConfig.NAMESPACE).addErrorMessage(e.getMessage());
      return result;
    }
    List<ShoalSinkConfig.Problem> problems = config.problems();
    for (ShoalSinkConfig.Problem p : problems) {
      values.get(p.key()).addErrorMessage(p.message());
    }
    if (problems.isEmpty()) {
      String storeError = probeStore(config);
      if (storeError != null) {
        values.get(ShoalSinkConfig.STORE_URI).addErrorMessage(storeError);
      }
    }
    return result;
  }

  /** Opens the store and writes, reads and deletes a probe object; the problem, or null. */
  private String probeStore(ShoalSinkConfig config) {
    try (ObjectStore store = storeOpener.apply(config)) {
      Stores.probe(store);
      return null;
    } catch (ConfigException e) {
      return e.getMessage();
    } catch (RuntimeException e) {
      return "Cannot write to the store "
          + config.storeUri()
          + " (a probe object under "
          + Stores.PROBE_PREFIX
          + " could not be written, read and deleted): "
          + e.getMessage();
    }
  }
}
