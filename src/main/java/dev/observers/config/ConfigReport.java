package dev.observers.config;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.WithName;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
        List<Row> rows = new ArrayList<>();
        walk(ObserversConfig.class, config, "observers", raw, rows);
        rows.sort(Comparator.comparing(Row::property));
        return rows;
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

    private static void walk(Class<?> type, Object instance, String prefix, SmallRyeConfig raw, List<Row> rows) {
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
                continue;
            }
            WithName withName = m.getAnnotation(WithName.class);
            String property = prefix + "." + (withName != null ? withName.value() : kebab(m.getName()));
            Object value = invoke(m, instance);
            Class<?> ret = m.getReturnType();
            if (ret.isInterface() && ret.getEnclosingClass() == ObserversConfig.class) {
                walk(ret, value, property, raw, rows);
                continue;
            }
            if (value instanceof Optional<?> opt) {
                value = opt.orElse(null);
            }
            String shown = value == null ? "(unset)" : mask(property, String.valueOf(value));
            var source = raw.getConfigValue(property);
            String from = source == null || source.getSourceName() == null ? "default"
                    : source.getConfigSourceOrdinal() == Integer.MIN_VALUE ? "default" : describeSource(source);
            rows.add(new Row(property, EnvNames.of(property), shown, value == null ? "" : from));
        }
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

    private static Object invoke(Method m, Object instance) {
        try {
            return m.invoke(instance);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read configuration " + m.getName(), e);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
