package io.bocomp;

/**
 * Root of bocomp's user-facing errors. The CLI prints {@link #getMessage()} as one line and exits
 * with code 2; the message names the file, node, option or entry at fault.
 *
 * <p>The message is one line by construction: names quoted in it come from the user's files (a
 * node name, a JSON key, a label) and may hold line breaks or other control characters, which are
 * escaped Java-style ({@code \n}, {@code \r}, {@code \t}, {@code \u0000}); line and paragraph
 * separators too. Nothing is cut.
 */
public class BocompException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BocompException(String message) {
    super(oneLine(message));
  }

  public BocompException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  /** {@code message} with its control characters and line separators escaped (null stays null). */
  public static String oneLine(String message) {
    if (message == null) {
      return null;
    }
    StringBuilder sb = null;
    for (int i = 0; i < message.length(); i++) {
      char ch = message.charAt(i);
      boolean escape = Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029'
          || ch == '\u0085';
      if (escape && sb == null) {
        sb = new StringBuilder(message.length() + 16).append(message, 0, i);
      }
      if (sb != null) {
        if (!escape) {
          sb.append(ch);
        } else if (ch == '\n') {
          sb.append("\\n");
        } else if (ch == '\r') {
          sb.append("\\r");
        } else if (ch == '\t') {
          sb.append("\\t");
        } else {
          sb.append(String.format("\\u%04x", (int) ch));
        }
      }
    }
    return sb == null ? message : sb.toString();
  }
}
