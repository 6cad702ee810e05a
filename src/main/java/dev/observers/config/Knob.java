package dev.observers.config;

import io.smallrye.config.WithName;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One leaf of {@link ObserversConfig}: its property and the Java type its value converts to. Read from
 * the interface itself, so the report and the value checks see a new knob without edits of their own.
 *
 * @param property {@code observers.checkpoint.batch-size}
 * @param type     the value's type ({@code int.class}, {@code String.class}, an enum), Optional unwrapped
 * @param path     the accessors from the root mapping to the value
 */
public record Knob(String property, Class<?> type, List<Method> path) {

    private static final List<Knob> ALL = read();

    /** Every knob, sorted by property. */
    public static List<Knob> all() {
        return ALL;
    }

    private static List<Knob> read() {
        List<Knob> knobs = new ArrayList<>();
        walk(ObserversConfig.class, "observers", List.of(), knobs);
        knobs.sort(Comparator.comparing(Knob::property));
        return List.copyOf(knobs);
    }

    /** The environment variable a user sets. */
    public String env() {
        return EnvNames.of(property);
    }

    /** This knob's value in {@code config}, Optional unwrapped (null when unset). */
    public Object read(ObserversConfig config) {
        Object value = config;
        try {
            for (Method m : path) {
                value = m.invoke(value);
            }
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read configuration " + property, e);
        }
        return value instanceof Optional<?> opt ? opt.orElse(null) : value;
    }

    private static void walk(Class<?> group, String prefix, List<Method> path, List<Knob> knobs) {
        for (Method m : group.getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
                continue;
            }
            WithName withName = m.getAnnotation(WithName.class);
            String property = prefix + "." + (withName != null ? withName.value() : kebab(m.getName()));
            List<Method> here = new ArrayList<>(path);
            here.add(m);
            Class<?> ret = m.getReturnType();
            if (ret.isInterface() && ret.getEnclosingClass() == ObserversConfig.class) {
                walk(ret, property, here, knobs);
                continue;
            }
            Class<?> type = ret == Optional.class
                    ? (Class<?>) ((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[0]
                    : ret;
            knobs.add(new Knob(property, type, List.copyOf(here)));
        }
    }

    /** SmallRye's default naming: {@code maxInFlight} is {@code max-in-flight}. */
    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
