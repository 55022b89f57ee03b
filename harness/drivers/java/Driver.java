// The Java kit of the micrograd parity lab: it speaks the port protocol
// (docs/protocol.md) for the port that Adapter.java reaches.  Do not edit
// this file; fill in Adapter.java.
//
// The kit finds the adapter's static methods by reflection: make, data,
// grad and backward, and every other one is an op named like it (tanh).
// An op takes and returns the port's value type V (what make returns): one
// argument for a unary op, two for a binary one, (V start, V[] or List<V>)
// for sum and (V start, V[] ws, V[] xs) for dot.  A number argument is made
// a value with make first.  pow may take its exponent as a double instead,
// for a port whose pow takes a number exponent only (micrograd's assert):
// the hello says so ("pow": "number-exponent"), and a Value exponent is
// unsupported.  An op without a method is unsupported: the kit never builds
// one op from others.
//
// The nn half (an `mlp` request) is optional: the class Nn, beside the
// adapter (Nn.java, see it), gives its static methods kinds, mlp,
// parameters, forward, zeroGrad and setData; without it the port has no nn.
//
// Lines of any length; numbers that cross exactly ("inf", "-inf", "nan",
// "-0.0" as strings, finite ones in a form that reads back); whatever the
// port throws (StackOverflowError too) becomes an `error` reply; what the
// port prints goes to stderr.
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

public final class Driver {
    private static final Set<String> CORE = Set.of("make", "data", "grad", "backward");

    private final Map<String, Method> ops = new TreeMap<>();
    private final Map<String, Method> core = new HashMap<>();
    private final Map<String, Method> nn = new HashMap<>();   // Nn's, if there is an Nn
    // Where the port is ("in step y (exp)", "in backward"): what it throws names no op
    private String where = "";
    private Class<?> value;

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false, StandardCharsets.UTF_8);
        System.setOut(System.err);   // the protocol owns stdout: the port's prints go to stderr
        String name = args.length == 2 && args[0].equals("--name") ? args[1] : null;
        Driver kit = new Driver();
        try {
            kit.find(Adapter.class);
            kit.findNn();
        } catch (IllegalStateException problem) {
            System.err.println("java kit: Adapter.java: " + problem.getMessage());
            System.exit(2);
        }
        protocol.print(kit.hello(name) + "\n");
        protocol.flush();
        BufferedReader input = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
        for (String line; (line = input.readLine()) != null; ) {   // lines of any length
            if (line.isBlank()) {
                continue;
            }
            protocol.print(kit.answer(line) + "\n");
            protocol.flush();
        }
    }

    private void find(Class<?> adapter) {
        for (Method m : adapter.getDeclaredMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) {
                continue;
            }
            m.setAccessible(true);
            (CORE.contains(m.getName()) ? core : ops).put(m.getName(), m);
        }
        for (String name : CORE) {
            if (!core.containsKey(name)) {
                throw new IllegalStateException("no static method " + name);
            }
        }
        value = core.get("make").getReturnType();
        for (Method m : ops.values()) {
            Class<?>[] in = m.getParameterTypes();
            boolean values = in.length >= 1 && in.length <= 3 && in[0] == value && m.getReturnType() == value;
            for (int i = 1; i < in.length && values; i++) {
                values = in.length == 2 && in[i] == value || isList(in[i]) || numberExponent(m);
            }
            if (!values) {
                throw new IllegalStateException("method " + m.getName() + ": an op takes V, (V, V), "
                    + "(V, V[]) or (V, V[], V[]) and returns V, where V is " + value.getName()
                    + " (pow may take (V, double))");
            }
        }
    }

    // The nn half: the class Nn's static methods, if the port has one.
    private void findNn() {
        try {
            for (Method m : Class.forName("Nn").getDeclaredMethods()) {
                m.setAccessible(true);
                nn.put(m.getName(), m);
            }
        } catch (ClassNotFoundException absent) {
            // no Nn.java: the port has no nn
        }
    }

    private List<String> nnKinds() throws Exception {
        return nn.isEmpty() ? List.of() : Arrays.asList((String[]) nn.get("kinds").invoke(null));
    }

    // pow(V, double): a number exponent only.
    private boolean numberExponent(Method m) {
        Class<?>[] in = m.getParameterTypes();
        return m.getName().equals("pow") && in.length == 2 && in[1] == double.class;
    }

    private boolean isList(Class<?> type) {
        return type.isArray() && type.getComponentType() == value || type == List.class;
    }

    private String hello(String name) throws Exception {
        String version = "Java " + System.getProperty("java.version") + " ("
            + System.getProperty("java.vm.name") + ")";
        List<String> kinds = nnKinds();
        return "{\"kind\":\"hello\",\"protocol\":1,\"name\":" + quote(name != null ? name : value.getName())
            + ",\"language\":\"java\",\"version\":" + quote(version) + ",\"ops\":" + quoted(ops.keySet())
            + (kinds.isEmpty() ? "" : ",\"nn\":" + quoted(kinds))
            + (ops.containsKey("pow") && numberExponent(ops.get("pow")) ? ",\"pow\":\"number-exponent\"" : "")
            + "}";
    }

    private static String quoted(Iterable<String> texts) {
        StringBuilder list = new StringBuilder();
        for (String text : texts) {
            list.append(list.length() == 0 ? "" : ",").append(quote(text));
        }
        return "[" + list + "]";
    }

    @SuppressWarnings("unchecked")
    private String answer(String line) throws Exception {
        Map<String, Object> program = (Map<String, Object>) new Json(line).value();
        long id = ((Double) program.get("id")).longValue();
        boolean isMlp = "mlp".equals(program.get("kind"));
        if (isMlp && !nnKinds().contains(program.get("activations"))) {
            return "{\"kind\":\"unsupported\",\"id\":" + id + ",\"op\":\"mlp\",\"message\":"
                + quote("Nn.java builds no " + program.get("activations") + " MLP") + "}";
        }
        List<List<Object>> steps = (List<List<Object>>) (isMlp
            ? ((Map<String, Object>) program.get("loss")).get("steps") : program.get("steps"));
        for (List<Object> step : steps) {
            if (!ops.containsKey((String) step.get(1))) {
                return "{\"kind\":\"unsupported\",\"id\":" + id + ",\"op\":" + quote((String) step.get(1))
                    + ",\"message\":" + quote("Adapter.java has no method " + step.get(1)) + "}";
            }
            Object exponent = ((List<Object>) step.get(2)).get(((List<Object>) step.get(2)).size() - 1);
            if (numberExponent(ops.get((String) step.get(1))) && isNode(exponent)) {
                return "{\"kind\":\"unsupported\",\"id\":" + id + ",\"op\":\"pow\",\"message\":"
                    + quote("Adapter.java's pow takes a number exponent only") + "}";
            }
        }
        where = isMlp ? "in the mlp request" : "";
        try {
            if (isMlp) {
                return "{\"kind\":\"mlp_result\",\"id\":" + id + "," + runMlp(program, steps) + "}";
            }
            return "{\"kind\":\"result\",\"id\":" + id + ",\"nodes\":[" + run(program, steps) + "]}";
        } catch (InvocationTargetException thrown) {
            return "{\"kind\":\"error\",\"id\":" + id + ",\"message\":" + quote(placed(thrown.getCause())) + "}";
        } catch (Throwable thrown) {
            return "{\"kind\":\"error\",\"id\":" + id + ",\"message\":" + quote(placed(thrown)) + "}";
        }
    }

    // What the port threw, with its innermost frame outside Java and this kit, and
    // where the port was: "java.lang.RuntimeException: boom [at Scalar.java:60, in step y (exp)]"
    private String placed(Throwable thrown) {
        String frame = "";
        for (StackTraceElement e : thrown.getStackTrace()) {
            String name = e.getClassName();
            if (!name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")
                    && !name.equals("Driver") && !name.startsWith("Driver$") && e.getFileName() != null) {
                frame = "at " + e.getFileName() + ":" + e.getLineNumber();
                break;
            }
        }
        String place = frame + (frame.isEmpty() || where.isEmpty() ? "" : ", ") + where;
        return thrown.toString() + (place.isEmpty() ? "" : " [" + place + "]");
    }

    @SuppressWarnings("unchecked")
    private String run(Map<String, Object> program, List<List<Object>> steps) throws Exception {
        Map<String, Object> byId = new HashMap<>();
        List<Object> order = new ArrayList<>();
        for (Object input : (List<Object>) program.get("inputs")) {
            List<Object> pair = (List<Object>) input;
            where = "in input " + pair.get(0);
            Object v = core.get("make").invoke(null, number(pair.get(1)));
            byId.put((String) pair.get(0), v);
            order.add(v);
        }
        runSteps(byId, steps, order);
        Object calls = program.get("backward_calls");
        where = "in backward";
        for (int i = 0; i < (calls == null ? 1 : ((Double) calls).intValue()); i++) {
            core.get("backward").invoke(null, byId.get((String) program.get("output")));
        }
        where = "reading data and grad";
        StringBuilder nodes = new StringBuilder();
        for (Object v : order) {
            nodes.append(nodes.length() == 0 ? "[" : ",[").append(wire(core.get("data").invoke(null, v)))
                 .append(',').append(wire(core.get("grad").invoke(null, v))).append(']');
        }
        return nodes.toString();
    }

    // A program's steps run on byId, each new node appended to order.
    @SuppressWarnings("unchecked")
    private void runSteps(Map<String, Object> byId, List<List<Object>> steps, List<Object> order)
            throws Exception {
        for (List<Object> step : steps) {
            where = "in step " + step.get(0) + " (" + step.get(1) + ")";
            List<Object> raw = (List<Object>) step.get(2);
            Object[] args = new Object[raw.size()];
            Method op = ops.get((String) step.get(1));
            for (int i = 0; i < args.length; i++) {
                Object a = raw.get(i);
                args[i] = isNode(a) ? byId.get(a)
                    : i == 1 && numberExponent(op) ? (Object) number(a)
                    : core.get("make").invoke(null, number(a));
            }
            Object v = apply(op, args);
            byId.put((String) step.get(0), v);
            order.add(v);
        }
    }

    // The nn half: the losses and every parameter's gradients after each pass, as reply fields.
    @SuppressWarnings("unchecked")
    private String runMlp(Map<String, Object> request, List<List<Object>> lossSteps) throws Exception {
        List<Object> sizes = (List<Object>) request.get("sizes");
        int[] nouts = new int[sizes.size() - 1];
        for (int i = 0; i < nouts.length; i++) {
            nouts[i] = ((Double) sizes.get(i + 1)).intValue();
        }
        String[] kind = ((String) request.get("activations")).split("-");
        Object model = nn.get("mlp").invoke(null, ((Double) sizes.get(0)).intValue(), nouts, kind[0], kind[1]);
        List<Object> given = (List<Object>) request.get("parameters");
        List<Object> first = parameters(model, given.size());
        for (int k = 0; k < given.size(); k++) {
            nn.get("setData").invoke(null, first.get(k), number(given.get(k)));
        }
        double rate = number(request.get("learning_rate"));
        Map<String, Object> loss = (Map<String, Object>) request.get("loss");
        StringBuilder losses = new StringBuilder();
        StringBuilder gradients = new StringBuilder();
        for (int pass = 0; pass <= ((Double) request.get("steps")).intValue(); pass++) {
            if (pass > 0) {   // micrograd's demo: p.data -= learning_rate * p.grad
                for (Object p : parameters(model, given.size())) {
                    double data = ((Number) core.get("data").invoke(null, p)).doubleValue();
                    double grad = ((Number) core.get("grad").invoke(null, p)).doubleValue();
                    nn.get("setData").invoke(null, p, data - rate * grad);
                }
            }
            Map<String, Object> byId = new HashMap<>();
            List<Object> rows = (List<Object>) request.get("inputs");
            for (int i = 0; i < rows.size(); i++) {
                List<Object> xs = new ArrayList<>();
                for (Object x : (List<Object>) rows.get(i)) {
                    xs.add(core.get("make").invoke(null, number(x)));
                }
                List<Object> outs = (List<Object>) nn.get("forward").invoke(null, model, xs);
                for (int j = 0; j < outs.size(); j++) {
                    byId.put("out" + i + "_" + j, outs.get(j));
                }
            }
            List<Object> params = parameters(model, given.size());
            for (int k = 0; k < params.size(); k++) {
                byId.put("p" + k, params.get(k));
            }
            runSteps(byId, lossSteps, new ArrayList<>());
            Object output = byId.get((String) loss.get("output"));
            nn.get("zeroGrad").invoke(null, model);
            core.get("backward").invoke(null, output);
            losses.append(losses.length() == 0 ? "" : ",").append(wire(core.get("data").invoke(null, output)));
            StringBuilder grads = new StringBuilder();
            for (Object p : parameters(model, given.size())) {
                grads.append(grads.length() == 0 ? "" : ",").append(wire(core.get("grad").invoke(null, p)));
            }
            gradients.append(gradients.length() == 0 ? "[" : ",[").append(grads).append(']');
        }
        return "\"losses\":[" + losses + "],\"gradients\":[" + gradients + "]";
    }

    @SuppressWarnings("unchecked")
    private List<Object> parameters(Object model, int count) throws Exception {
        List<Object> found = (List<Object>) nn.get("parameters").invoke(null, model);
        if (found.size() != count) {
            throw new IllegalStateException("parameters() gives " + found.size() + " values; the MLP has "
                + count + " parameters");
        }
        return found;
    }

    private Object apply(Method op, Object[] args) throws Exception {
        Class<?>[] in = op.getParameterTypes();
        if (in.length == 1 || !isList(in[1])) {
            return op.invoke(null, args);
        }
        int n = in.length == 2 ? args.length - 1 : (args.length - 1) / 2;
        Object[] call = {args[0], list(in[1], args, 1, 1 + n), null};
        if (in.length == 3) {
            call[2] = list(in[2], args, 1 + n, args.length);
        }
        return op.invoke(null, Arrays.copyOf(call, in.length));
    }

    // An argument of a step is a node's id, or a number.
    private static boolean isNode(Object arg) {
        return arg instanceof String && !NUMBERS.containsKey(arg);
    }

    private Object list(Class<?> type, Object[] args, int from, int to) {
        if (type == List.class) {
            return new ArrayList<>(Arrays.asList(args).subList(from, to));
        }
        Object array = Array.newInstance(value, to - from);
        for (int i = from; i < to; i++) {
            Array.set(array, i - from, args[i]);
        }
        return array;
    }

    private static final Map<String, Double> NUMBERS = Map.of(
        "inf", Double.POSITIVE_INFINITY, "-inf", Double.NEGATIVE_INFINITY, "nan", Double.NaN, "-0.0", -0.0);

    private static double number(Object x) {
        return x instanceof String ? NUMBERS.get(x) : (Double) x;
    }

    // A double as the protocol writes it: Double.toString reads back as the
    // same double; %.17g is the fallback that always does.
    static String wire(Object boxed) {
        double x = ((Number) boxed).doubleValue();
        if (Double.isNaN(x)) {
            return "\"nan\"";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "\"inf\"" : "\"-inf\"";
        }
        if (x == 0 && Double.doubleToRawLongBits(x) != 0) {
            return "\"-0.0\"";
        }
        String text = Double.toString(x);
        return Double.parseDouble(text) == x ? text : String.format("%.17g", x);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** A reader of the JSON the harness sends: objects, arrays, strings, numbers (as Double), true, false. */
    static final class Json {
        private final String text;
        private int at;

        Json(String text) {
            this.text = text;
        }

        Object value() {
            skip();
            char c = text.charAt(at);
            if (c == '{') {
                Map<String, Object> object = new HashMap<>();
                at++;
                while (more('}')) {
                    String key = string();
                    skip();
                    at++;   // the colon
                    object.put(key, value());
                }
                return object;
            }
            if (c == '[') {
                List<Object> array = new ArrayList<>();
                at++;
                while (more(']')) {
                    array.add(value());
                }
                return array;
            }
            if (c == '"') {
                return string();
            }
            int start = at;
            while (at < text.length() && ",]} \t\r\n".indexOf(text.charAt(at)) < 0) {
                at++;
            }
            String word = text.substring(start, at);
            return word.equals("true") || word.equals("false") ? (Object) Boolean.valueOf(word)
                 : word.equals("null") ? null : (Object) Double.valueOf(word);
        }

        // Before each member: true if one follows, false (and past the bracket) at the end.
        private boolean more(char close) {
            skip();
            if (text.charAt(at) == ',') {
                at++;
                skip();
            }
            if (text.charAt(at) == close) {
                at++;
                return false;
            }
            return true;
        }

        private String string() {
            skip();
            StringBuilder b = new StringBuilder();
            at++;   // the opening quote
            for (char c; (c = text.charAt(at++)) != '"'; ) {
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = text.charAt(at++);
                switch (e) {
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'u': b.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; break;
                    default: b.append(e);
                }
            }
            return b.toString();
        }

        private void skip() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }
    }
}
