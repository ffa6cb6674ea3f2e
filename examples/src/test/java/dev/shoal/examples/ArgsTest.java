package dev.shoal.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {
  @Test
  void readsValuesSwitchesAndDefaults() {
    Args a =
        Args.parse(
            new String[] {"--docs", "1_000", "--no-serve", "--data-dir=/tmp/x"},
            Set.of("no-serve"));
    assertThat(a.integer("docs", 10, 1, 5000)).isEqualTo(1000);
    assertThat(a.flag("no-serve")).isTrue();
    assertThat(a.flag("verbose")).isFalse();
    assertThat(a.path("data-dir", "shoal-data")).isEqualTo(Path.of("/tmp/x"));
    assertThat(a.integer("port", 8080, 0, 65535)).isEqualTo(8080);
    a.checkAllUsed();
  }

  @Test
  void rejectsUnknownOptionsAndBadValues() {
    Args a = Args.parse(new String[] {"--dcos", "5"}, Set.of());
    a.integer("docs", 10, 1, 100);
    assertThatThrownBy(a::checkAllUsed)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use option(s) [--dcos]");
    assertThatThrownBy(
            () -> Args.parse(new String[] {"--docs", "x"}, Set.of()).integer("docs", 1, 1, 9))
        .hasMessage("Cannot read --docs x: not a number");
    assertThatThrownBy(
            () -> Args.parse(new String[] {"--docs", "0"}, Set.of()).integer("docs", 1, 1, 9))
        .hasMessage("Cannot use --docs 0: from 1 to 9");
    assertThatThrownBy(() -> Args.parse(new String[] {"--docs"}, Set.of()))
        .hasMessage("Cannot read --docs: it needs a value");
    assertThatThrownBy(() -> Args.parse(new String[] {"docs"}, Set.of()))
        .hasMessage("Cannot read argument \"docs\": not an option");
  }
}
