package io.bocomp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A user error is one line whatever names it quotes (found by fuzzing: keys, node names). */
class BocompExceptionTest {
  @Test
  void lineBreaksAndControlCharactersInAMessageAreEscaped() {
    BocompException e = new BocompException("plan.json: unknown field \"la\nyers\u0000\r\t\u2028\"");
    assertThat(e.getMessage())
        .isEqualTo("plan.json: unknown field \"la\\nyers\\u0000\\r\\t\\u2028\"");
    assertThat(new BocompException("plain", null).getMessage()).isEqualTo("plain");
    assertThat(BocompException.oneLine(null)).isNull();
  }
}
