package dev.shoal.examples;

import dev.shoal.examples.flink.FlinkDataStreamExample;
import dev.shoal.examples.flink.FlinkSqlExample;
import dev.shoal.examples.quickstart.ProduceArticles;
import dev.shoal.examples.quickstart.Quickstart;
import java.util.Arrays;

/**
 * The entry point of {@code java -jar examples/target/shoal-examples.jar [example] [options]}: with
 * no example name it runs the quickstart.
 */
public final class Main {
  private Main() {}

  static final String USAGE =
      """
      Usage: java -jar examples/target/shoal-examples.jar [example] [options]

      Examples:
        quickstart   (the default) Kafka broker + Connect worker with the Shoal sink + query server
        flink        Flink DataStream job: generated articles -> embeddings -> Shoal, exactly once
        flink-sql    the same with Flink SQL: CREATE TABLE ... WITH ('connector' = 'shoal')
        engine       the engine embedded in a program, without Kafka, Flink or a server
        produce      the quickstart's articles to a Kafka cluster of your own (examples/connect)

      Run an example with --help for its options.
      """;

  public static void main(String[] args) throws Exception {
    Logging.configure(Arrays.asList(args).contains("--verbose"));
    String example = "quickstart";
    String[] rest = args;
    if (args.length > 0 && !args[0].startsWith("-")) {
      example = args[0];
      rest = Arrays.copyOfRange(args, 1, args.length);
    } else if (args.length > 0 && args[0].equals("--examples")) {
      System.out.print(USAGE);
      return;
    }
    int status =
        switch (example) {
          case "quickstart" -> Quickstart.run(rest);
          case "flink" -> FlinkDataStreamExample.run(rest);
          case "flink-sql" -> FlinkSqlExample.run(rest);
          case "engine" -> EngineDemo.run(rest);
          case "produce" -> ProduceArticles.run(rest);
          default -> {
            System.err.println("Unknown example \"" + example + "\".");
            System.err.print(USAGE);
            yield 2;
          }
        };
    if (status != 0) {
      System.exit(status);
    }
  }
}
