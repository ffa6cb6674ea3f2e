package dev.shoal.examples.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.examples.Args;
import dev.shoal.examples.Logging;
import dev.shoal.examples.Progress;
import dev.shoal.server.ShoalServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The quickstart: the whole pipeline on one machine, in this JVM.
 *
 * <ol>
 *   <li>a single-node Kafka broker (KRaft), its logs in a temporary folder;
 *   <li>a Kafka Connect worker (standalone mode) with the Shoal sink installed from its plugin
 *       folder, and a connector writing topic {@code articles} to namespace {@code
 *       demo/quickstart/articles} in the data folder;
 *   <li>generated articles with embeddings produced to the topic;
 *   <li>a wait until the namespace holds every record (the sink's exactly-once positions);
 *   <li>the query server on localhost, queried over REST, then left running until Ctrl-C.
 * </ol>
 *
 * <p>Each run starts from an empty topic and removes the namespace the previous run left; the rest
 * of the data folder is left alone.
 */
public final class Quickstart {
  static final String TOPIC = "articles";
  static final String CONNECTOR = "shoal-quickstart";
  static final NamespacePath NAMESPACE = NamespacePath.parse("demo/quickstart/" + TOPIC);
  static final int PARTITIONS = 4;
  static final int TASKS = 2;
  static final int DEFAULT_PORT = 8080;

  static final String USAGE =
      """
      Usage: java -jar examples/target/shoal-examples.jar [quickstart] [options]

      Starts a Kafka broker and a Kafka Connect worker with the Shoal sink in this JVM, produces
      generated articles with embeddings to a topic, waits until the sink has written them to a
      namespace in the data folder, starts the query server and runs a few queries through its
      REST API, then serves until Ctrl-C.

      Options:
        --docs N             articles to produce (default 10,000)
        --data-dir DIR       the Shoal store folder (default ./shoal-data); each run replaces the
                             namespace demo/quickstart/articles in it and leaves the rest alone
        --port P             query server port (default 8080; if it is busy, any free port)
        --no-serve           exit after the queries instead of serving until Ctrl-C
        --plugin-path DIR    folder holding the Shoal sink's plugin folder
                             (default: connect-plugins next to the examples jar)
        --verbose            show the INFO logs of Kafka, Connect and Shoal

      The other examples (Flink, Flink SQL, the engine alone, a producer for the Kafka Connect
      examples): java -jar examples/target/shoal-examples.jar --examples
      """;

  private final PrintStream out;
  private final int docs;
  private final Path dataDir;
  private final int port;
  private final boolean portGiven;
  private final boolean serve;
  private final Path pluginPath;
  // Closed in the reverse order of starting: server, worker, broker, engine.
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private Path workDir;

  Quickstart(Args args, PrintStream out) {
    this.out = out;
    this.docs = args.integer("docs", 10_000, 1, 10_000_000);
    this.dataDir = args.path("data-dir", "shoal-data");
    this.portGiven = args.string("port", null) != null;
    this.port = args.integer("port", DEFAULT_PORT, 0, 65535);
    this.serve = !args.flag("no-serve");
    this.pluginPath = args.path("plugin-path", defaultPluginPath().toString());
    args.flag("verbose"); // read by Main / main before any logger exists
    args.checkAllUsed();
  }

  public static void main(String[] args) throws Exception {
    Logging.configure(List.of(args).contains("--verbose"));
    int status = run(args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the quickstart; the process exit status. */
  public static int run(String... args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(USAGE);
      return 0;
    }
    Quickstart q;
    try {
      q = new Quickstart(Args.parse(args, Set.of("no-serve", "verbose")), System.out);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    return q.run();
  }

  int run() throws Exception {
    Thread hook = new Thread(this::close, "quickstart-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      runSteps();
    } catch (Exception e) {
      out.println();
      out.println("Quickstart failed: " + e.getMessage());
      close();
      Runtime.getRuntime().removeShutdownHook(hook);
      throw e;
    }
    if (!serve) {
      close();
      Runtime.getRuntime().removeShutdownHook(hook);
      return 0;
    }
    new CountDownLatch(1).await(); // until Ctrl-C: the hook closes everything
    return 0;
  }

  private void runSteps() throws Exception {
    JsonHttp http = new JsonHttp();
    Path plugin = checkPlugin(pluginPath);
    Files.createDirectories(dataDir);
    String storeUri = dataDir.toUri().toString();
    out.printf(
        Locale.ROOT,
        "Shoal quickstart: %,d articles -> Kafka topic '%s' -> Kafka Connect (Shoal sink) ->"
            + " namespace %s in %s -> REST queries%n%n",
        docs,
        TOPIC,
        NAMESPACE,
        dataDir);

    workDir = Files.createTempDirectory("shoal-quickstart-");
    Engine engine = Engine.builder().ownedStore(ObjectStores.open(storeUri)).build();
    resources.push(engine);
    if (engine.namespaceExists(NAMESPACE)) {
      engine.deleteNamespace(NAMESPACE);
      out.println("Removed the namespace " + NAMESPACE + " of an earlier run.");
    }

    long t = System.nanoTime();
    step(1, "Starting a Kafka broker (KRaft, single node) ...");
    LocalKafka kafka = LocalKafka.start(workDir.resolve("kafka"));
    resources.push(kafka);
    done(t, "listening on " + kafka.bootstrapServers());

    t = System.nanoTime();
    step(2, "Starting a Kafka Connect worker with the Shoal sink plugin from " + plugin + " ...");
    LocalConnect connect =
        LocalConnect.start(kafka.bootstrapServers(), pluginPath, workDir.resolve("connect"), http);
    resources.push(connect);
    done(t, "REST API on " + connect.url());

    t = System.nanoTime();
    step(3, "Creating topic '" + TOPIC + "' and connector '" + CONNECTOR + "' ...");
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
    }
    connect.createConnector(CONNECTOR, connectorConfig(storeUri));
    done(t, PARTITIONS + " partitions, " + TASKS + " sink tasks");
    out.println("    POST " + connect.url().resolve("/connectors") + " with");
    connectorConfig(storeUri).forEach((k, v) -> out.println("      " + k + " = " + v));

    step(4, String.format(Locale.ROOT, "Producing %,d articles with 128-dim embeddings ...", docs));
    ArticleProducer.produce(kafka.bootstrapServers(), TOPIC, docs, progress());

    step(5, "Waiting for the sink to write them to " + NAMESPACE + " ...");
    awaitCaughtUp(engine, connect);

    t = System.nanoTime();
    ShoalServer server = startServer(engine);
    resources.push(server);
    URI base = URI.create("http://127.0.0.1:" + server.port());
    String path = "/v1/namespaces/" + NAMESPACE;
    URI nsUrl = URI.create(base + path);
    step(6, "Query server on " + base + " (store " + storeUri + ")");
    JsonNode compaction = http.post(URI.create(nsUrl + "/compact"), "{\"force\":true}", 200);
    JsonNode info = http.get(nsUrl, 200);
    out.printf(
        Locale.ROOT,
        "    POST %s/compact: %d WAL batch(es) folded into %d segment(s) in %d ms%n",
        path,
        compaction.path("wal_batches_folded").asInt(),
        compaction.path("segments_written").asInt(),
        compaction.path("duration_ms").asLong());
    out.printf(
        Locale.ROOT,
        "    GET  %s: %,d documents, %d segment(s), %d WAL batch(es), dimension %d, %s%n",
        path,
        info.path("doc_count").asLong(),
        info.path("segments").asInt(),
        info.path("wal_files").asInt(),
        info.path("vector_dim").asInt(),
        info.path("distance_metric").asText());
    QueryShowcase.run(http, nsUrl, path, out);

    out.println();
    if (serve) {
      out.println("Serving until Ctrl-C. Try it yourself:");
    } else {
      out.println("Commands to try while the quickstart serves (it exits now: --no-serve):");
    }
    out.println();
    for (String line : QueryShowcase.curlCommands(base, path, connect.url(), CONNECTOR)) {
      out.println("  " + line);
    }
    out.println();
    out.println(
        "The data stays in "
            + dataDir
            + "; after Ctrl-C, serve it again with: java -jar"
            + " query-server/target/shoal-server.jar --store "
            + storeUri);
    out.flush();
  }

  /** The sink's configuration, as a user would POST it to a Connect worker. */
  static Map<String, String> connectorConfig(String storeUri) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("connector.class", "dev.shoal.kafka.ShoalSinkConnector");
    c.put("tasks.max", Integer.toString(TASKS));
    c.put("topics", TOPIC);
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    // JSON text: the sink parses it itself, much faster than JsonConverter.
    c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("shoal.store.uri", storeUri);
    c.put("shoal.namespace", "demo/quickstart/${topic}");
    c.put("shoal.vector.field", "vector");
    c.put("shoal.text.fields", "title,body");
    return c;
  }

  /**
   * Waits until the sink's exactly-once position of every partition (the last offset committed with
   * the data, kept in the namespace) reaches the end of the topic, drawing progress; fails if a
   * task fails or nothing moves for two minutes.
   */
  private void awaitCaughtUp(Engine engine, LocalConnect connect) throws Exception {
    Progress progress = progress();
    long lastChange = System.nanoTime();
    long lastDone = -1;
    long lastStatusCheck = 0;
    while (true) {
      long written = 0;
      if (engine.namespaceExists(NAMESPACE)) {
        for (int p = 0; p < PARTITIONS; p++) {
          OptionalLong position =
              engine.writerPosition(NAMESPACE, "kafka/" + CONNECTOR + "/" + TOPIC + "/" + p);
          written += position.isPresent() ? position.getAsLong() + 1 : 0;
        }
      }
      progress.update(written);
      if (written >= docs) {
        progress.finish();
        return;
      }
      long now = System.nanoTime();
      if (written != lastDone) {
        lastDone = written;
        lastChange = now;
      }
      if (now - lastStatusCheck > 2_000_000_000L) {
        lastStatusCheck = now;
        checkRunning(connect.status(CONNECTOR));
      }
      if (now - lastChange > 120_000_000_000L) {
        throw new IllegalStateException(
            "Cannot see the sink progress: no new record in "
                + NAMESPACE
                + " for 2 minutes; connector status: "
                + connect.status(CONNECTOR));
      }
      Thread.sleep(200);
    }
  }

  private static void checkRunning(JsonNode status) {
    List<String> failed = new ArrayList<>();
    if (status.path("connector").path("state").asText().equals("FAILED")) {
      failed.add("connector: " + status.path("connector").path("trace").asText());
    }
    for (JsonNode task : status.path("tasks")) {
      if (task.path("state").asText().equals("FAILED")) {
        failed.add("task " + task.path("id").asInt() + ": " + task.path("trace").asText());
      }
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException("Cannot write to Shoal, the sink failed: " + failed);
    }
  }

  private ShoalServer startServer(Engine engine) throws Exception {
    try {
      return ShoalServer.builder().engine(engine, false).bind("127.0.0.1", port).start();
    } catch (Exception e) {
      if (portGiven || !causedBy(e, BindException.class)) {
        throw e;
      }
      out.println("    (port " + port + " is busy: using a free port instead)");
      return ShoalServer.builder().engine(engine, false).bind("127.0.0.1", 0).start();
    }
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The plugin folder inside {@code path}, checked before anything starts. */
  static Path checkPlugin(Path path) {
    Path plugin = path.resolve("shoal-kafka-connect-sink");
    boolean found;
    try (Stream<Path> files = Files.isDirectory(plugin) ? Files.list(plugin) : Stream.empty()) {
      found = files.anyMatch(f -> f.getFileName().toString().startsWith("shoal-kafka-connect"));
    } catch (IOException e) {
      found = false;
    }
    if (!found) {
      throw new IllegalArgumentException(
          "Cannot find the Shoal Kafka Connect plugin in "
              + plugin
              + ": build it first (mvn -B package -DskipTests at the repository root), or give"
              + " --plugin-path, the folder that holds the plugin folder shoal-kafka-connect-sink");
    }
    return plugin;
  }

  /** {@code connect-plugins} next to the examples jar (or next to its classes folder). */
  static Path defaultPluginPath() {
    try {
      Path code =
          Path.of(Quickstart.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.getParent().resolve("connect-plugins");
    } catch (Exception e) {
      return Path.of("examples", "target", "connect-plugins").toAbsolutePath();
    }
  }

  private Progress progress() {
    return new Progress(out, "    ", docs, Progress.interactive());
  }

  private void step(int n, String what) {
    out.println("[" + n + "/6] " + what);
    out.flush();
  }

  private void done(long startNanos, String what) {
    out.printf(Locale.ROOT, "    %s (%.1f s)%n", what, (System.nanoTime() - startNanos) / 1e9);
  }

  /** Stops the server, the worker and the broker, and deletes the broker's folder. Idempotent. */
  synchronized void close() {
    if (resources.isEmpty() && workDir == null) {
      return;
    }
    if (serve) {
      out.println();
      out.println("Stopping ...");
    }
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        out.println("Cannot stop " + r.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    if (workDir != null) {
      deleteTree(workDir);
      workDir = null;
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A temporary folder: the OS cleans it eventually.
    }
  }
}
