package io.bocomp.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small self-contained SVG chart for the HTML report: scatter and line series on linear or
 * logarithmic axes with tick labels, vertical marker lines, and a legend; plus a horizontal bar
 * chart. No scripts, fonts or external resources. Non-finite points (and non-positive ones on a
 * log axis) are skipped.
 */
final class SvgPlot {
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 30;
  private static final int BOTTOM = 45;

  private record Series(String name, String color, double[] x, double[] y, boolean line,
      boolean step, double radius) {}

  private record Marker(double x, String color, String label) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final boolean logY;
  private final int width;
  private final int height;
  private final List<Series> series = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();

  SvgPlot(String title, String xLabel, String yLabel, boolean logY, int width, int height) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.logY = logY;
    this.width = width;
    this.height = height;
  }

  SvgPlot points(String name, String color, double[] x, double[] y, double radius) {
    series.add(new Series(name, color, x, y, false, false, radius));
    return this;
  }

  SvgPlot line(String name, String color, double[] x, double[] y, boolean step) {
    series.add(new Series(name, color, x, y, true, step, 0));
    return this;
  }

  SvgPlot vline(double x, String color, String label) {
    markers.add(new Marker(x, color, label));
    return this;
  }

  String render() {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (usable(s.x[i], s.y[i])) {
          xMin = Math.min(xMin, s.x[i]);
          xMax = Math.max(xMax, s.x[i]);
          yMin = Math.min(yMin, s.y[i]);
          yMax = Math.max(yMax, s.y[i]);
        }
      }
    }
    for (Marker m : markers) {
      if (Double.isFinite(m.x)) {
        xMin = Math.min(xMin, m.x);
        xMax = Math.max(xMax, m.x);
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">",
        width, height, width, height));
    b.append(text(width / 2.0, 16, title, "middle", "bold"));
    if (!Double.isFinite(xMin) || !Double.isFinite(yMin)) {
      b.append(text(width / 2.0, height / 2.0, "no data", "middle", "normal")).append("</svg>");
      return b.toString();
    }
    if (xMax == xMin) {
      xMax = xMin + Math.max(1e-9, Math.abs(xMin) * 0.1 + 1);
      xMin -= (xMax - xMin) * 0.05;
    }
    double ly0 = logY ? Math.log10(yMin) : yMin;
    double ly1 = logY ? Math.log10(yMax) : yMax;
    if (ly1 == ly0) {
      ly1 = ly0 + 1;
      ly0 -= 0.5;
    }
    double pad = (ly1 - ly0) * 0.05;
    ly0 -= pad;
    ly1 += pad;
    double xpad = (xMax - xMin) * 0.03;
    final double x0 = xMin - xpad;
    final double x1 = xMax + xpad;
    final double y0 = ly0;
    final double y1 = ly1;
    int pw = width - LEFT - RIGHT;
    int ph = height - TOP - BOTTOM;
    java.util.function.DoubleUnaryOperator px = v -> LEFT + (v - x0) / (x1 - x0) * pw;
    java.util.function.DoubleUnaryOperator py = v -> TOP + (1 - ((logY ? Math.log10(v) : v) - y0)
        / (y1 - y0)) * ph;
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
        + "fill=\"#fafafa\" stroke=\"#999\"/>", LEFT, TOP, pw, ph));
    for (double t : ticks(x0, x1)) {
      double x = px.applyAsDouble(t);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
          + "stroke=\"#e3e3e3\"/>", x, TOP, x, TOP + ph));
      b.append(text(x, TOP + ph + 14, label(t), "middle", "normal"));
    }
    List<Double> yt = logY ? logTicks(y0, y1) : ticks(y0, y1);
    for (double t : yt) {
      double y = logY ? py.applyAsDouble(t) : py.applyAsDouble(t);
      if (y < TOP - 0.5 || y > TOP + ph + 0.5) {
        continue;
      }
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
          + "stroke=\"#e3e3e3\"/>", LEFT, y, LEFT + pw, y));
      b.append(text(LEFT - 4, y + 4, label(t), "end", "normal"));
    }
    b.append(text(LEFT + pw / 2.0, height - 8, xLabel, "middle", "normal"));
    b.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" "
        + "transform=\"rotate(-90 14 %.1f)\">%s</text>", TOP + ph / 2.0, TOP + ph / 2.0,
        escape(yLabel + (logY ? " (log)" : ""))));
    for (Marker m : markers) {
      double x = px.applyAsDouble(m.x);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
          + "stroke=\"%s\" stroke-dasharray=\"5,4\"/>", x, TOP, x, TOP + ph, m.color));
      b.append(text(x + 3, TOP + 12, m.label, "start", "normal"));
    }
    for (Series s : series) {
      if (s.line) {
        StringBuilder path = new StringBuilder();
        double prevY = Double.NaN;
        for (int i = 0; i < s.x.length; i++) {
          if (!usable(s.x[i], s.y[i])) {
            continue;
          }
          double x = px.applyAsDouble(s.x[i]);
          double y = py.applyAsDouble(s.y[i]);
          if (path.length() == 0) {
            path.append(String.format(Locale.ROOT, "M%.1f,%.1f", x, y));
          } else if (s.step) {
            path.append(String.format(Locale.ROOT, " L%.1f,%.1f L%.1f,%.1f", x, prevY, x, y));
          } else {
            path.append(String.format(Locale.ROOT, " L%.1f,%.1f", x, y));
          }
          prevY = y;
        }
        if (path.length() > 0) {
          b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"")
              .append(s.color).append("\" stroke-width=\"1.8\"/>");
        }
      } else {
        for (int i = 0; i < s.x.length; i++) {
          if (usable(s.x[i], s.y[i])) {
            b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
                + "fill=\"%s\" fill-opacity=\"0.75\"/>", px.applyAsDouble(s.x[i]),
                py.applyAsDouble(s.y[i]), s.radius, s.color));
          }
        }
      }
    }
    int ly = TOP + 8;
    for (Series s : series) {
      if (s.name == null) {
        continue;
      }
      b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
          + "fill=\"%s\"/>", LEFT + pw - 150, ly, s.color));
      b.append(text(LEFT + pw - 136, ly + 9, s.name, "start", "normal"));
      ly += 14;
    }
    return b.append("</svg>").toString();
  }

  /**
   * Horizontal bars: one row per label, the bar from 0 to value on [0, 1], with the row's
   * admissible range [lo, hi] drawn as a thin band.
   */
  static String bars(String title, List<String> labels, double[] value, double[] lo, double[] hi,
      List<String> annotations) {
    int row = 22;
    int labelWidth = 260;
    int barWidth = 360;
    int height = 40 + row * labels.size() + 20;
    int width = labelWidth + barWidth + 140;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">",
        width, height, width, height));
    b.append(text(width / 2.0, 16, title, "middle", "bold"));
    for (double t = 0; t <= 1.0001; t += 0.25) {
      double x = labelWidth + t * barWidth;
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"28\" x2=\"%.1f\" y2=\"%d\" "
          + "stroke=\"#e3e3e3\"/>", x, x, 30 + row * labels.size()));
      b.append(text(x, 40 + row * labels.size(), label(t), "middle", "normal"));
    }
    for (int i = 0; i < labels.size(); i++) {
      int y = 32 + i * row;
      String name = labels.get(i);
      if (name.length() > 40) {
        name = "..." + name.substring(name.length() - 37);
      }
      b.append(text(labelWidth - 6, y + 13, name, "end", "normal"));
      b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" "
          + "fill=\"#dde6f0\"/>", labelWidth + clamp(lo[i]) * barWidth, y + 1,
          Math.max(0.5, (clamp(hi[i]) - clamp(lo[i])) * barWidth)));
      b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"10\" "
          + "fill=\"#2b6cb0\"/>", labelWidth, y + 4, clamp(value[i]) * barWidth));
      b.append(text(labelWidth + barWidth + 6, y + 13, annotations.get(i), "start", "normal"));
    }
    return b.append("</svg>").toString();
  }

  private static double clamp(double v) {
    return Double.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0;
  }

  private boolean usable(double x, double y) {
    return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
  }

  /** About 6 "nice" ticks (1, 2, 5 x 10^k steps) covering [lo, hi]. */
  static List<Double> ticks(double lo, double hi) {
    double span = hi - lo;
    double raw = span / 6;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag
        : 10 * mag;
    List<Double> out = new ArrayList<>();
    for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return out;
  }

  /** Decades (and 2, 5 within them when the range is short) between 10^lo and 10^hi. */
  static List<Double> logTicks(double lo, double hi) {
    List<Double> out = new ArrayList<>();
    boolean fine = hi - lo < 2.5;
    for (int e = (int) Math.floor(lo); e <= (int) Math.ceil(hi); e++) {
      for (double m : fine ? new double[] {1, 2, 5} : new double[] {1}) {
        double v = m * Math.pow(10, e);
        double l = Math.log10(v);
        if (l >= lo && l <= hi) {
          out.add(v);
        }
      }
    }
    return out;
  }

  static String label(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e4 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.0e", v);
    }
    String s = String.format(Locale.ROOT, "%.3f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String text(double x, double y, String s, String anchor, String weight) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
        + "font-weight=\"%s\">%s</text>", x, y, anchor, weight, escape(s));
  }

  static String escape(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
