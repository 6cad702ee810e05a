package dev.observers.config;

import io.smallrye.config.SmallRyeConfig;

import java.util.List;
import java.util.Locale;

/**
 * The effective configuration as rows (property, environment name, value, where it came from), with
 * secrets masked. Walks the {@link ObserversConfig} interface so a new knob shows up without edits here.
 */
public final class ConfigReport {

    /** One knob: its value is already masked when it could hold a secret. */
    public record Row(String property, String env, String value, String source) {
    }

    private ConfigReport() {
    }

    public static List<Row> rows(ObserversConfig config, SmallRyeConfig raw) {
        return Knob.all().stream().map(knob -> row(knob, config, raw)).toList();
    }

    /** A fixed-width table for a terminal. */
    public static String format(List<Row> rows) {
        int p = "PROPERTY".length();
        int e = "ENVIRONMENT".length();
        int v = "VALUE".length();
        for (Row r : rows) {
            p = Math.max(p, r.property().length());
            e = Math.max(e, r.env().length());
            v = Math.max(v, r.value().length());
        }
        String fmt = "%-" + p + "s  %-" + e + "s  %-" + v + "s  %s%n";
        StringBuilder sb = new StringBuilder(String.format(fmt, "PROPERTY", "ENVIRONMENT", "VALUE", "SOURCE"));
        for (Row r : rows) {
            sb.append(String.format(fmt, r.property(), r.env(), r.value(), r.source()));
        }
        return sb.toString();
    }

    /** Hides passwords inside URLs and whole values of knobs whose name says they are secret. */
    public static String mask(String property, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        String lower = property.toLowerCase(Locale.ROOT);
        if (lower.contains("password") || lower.contains("secret") || lower.contains("token")) {
            return "***";
        }
        return value.replaceAll("(?<=://)([^:/@]*):[^@/]*@", "$1:***@");
    }

    private static Row row(Knob knob, ObserversConfig config, SmallRyeConfig raw) {
        Object value = knob.read(config);
        String shown = value == null ? "(unset)" : mask(knob.property(), String.valueOf(value));
        var source = raw.getConfigValue(knob.property());
        String from = source == null || source.getSourceName() == null ? "default"
                : source.getConfigSourceOrdinal() == Integer.MIN_VALUE ? "default" : describeSource(source);
        return new Row(knob.property(), knob.env(), shown, value == null ? "" : from);
    }

    private static String describeSource(io.smallrye.config.ConfigValue value) {
        String name = value.getSourceName();
        if (name.startsWith("EnvConfigSource")) {
            return "environment";
        }
        if (name.startsWith("SysPropConfigSource")) {
            return "system property";
        }
        if (name.contains("application.properties")) {
            return "application.properties";
        }
        return name;
    }
}
