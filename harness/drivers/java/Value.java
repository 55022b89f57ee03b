// The example port: a tiny micrograd Value in Java, correct, written for the
// kit.  Replace it with your own port (and Adapter.java with your adapter).
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

final class Value {
    double data;
    double grad;
    private final Value[] prev;
    private Runnable backward = () -> { };

    Value(double data, Value... prev) {
        this.data = data;
        this.prev = prev;
    }

    Value add(Value b) {
        Value out = new Value(data + b.data, this, b);
        out.backward = () -> { grad += out.grad; b.grad += out.grad; };
        return out;
    }

    Value sub(Value b) {
        Value out = new Value(data - b.data, this, b);
        out.backward = () -> { grad += out.grad; b.grad += -out.grad; };
        return out;
    }

    Value mul(Value b) {
        Value out = new Value(data * b.data, this, b);
        out.backward = () -> { grad += b.data * out.grad; b.grad += data * out.grad; };
        return out;
    }

    Value div(Value b) {
        Value out = new Value(data / b.data, this, b);
        out.backward = () -> { grad += out.grad / b.data; b.grad += -out.grad * (out.data / b.data); };
        return out;
    }

    // d/db is 0 where a = 0 and b >= 0
    Value pow(Value b) {
        Value out = new Value(Math.pow(data, b.data), this, b);
        out.backward = () -> {
            if (b.data != 0) {
                grad += out.grad * (b.data * Math.pow(data, b.data - 1));
            }
            b.grad += out.grad * (data == 0 && b.data >= 0 ? 0.0 : out.data * Math.log(data));
        };
        return out;
    }

    Value neg() {
        Value out = new Value(-data, this);
        out.backward = () -> grad += -out.grad;
        return out;
    }

    Value relu() {
        Value out = new Value(data < 0 ? 0.0 : data, this);
        out.backward = () -> { if (!(out.data <= 0)) grad += out.grad; };
        return out;
    }

    Value tanh() {
        double t = Math.tanh(data);
        Value out = new Value(t, this);
        out.backward = () -> grad += out.grad * ((1 - t) * (1 + t));
        return out;
    }

    Value exp() {
        Value out = new Value(Math.exp(data), this);
        out.backward = () -> grad += out.grad * out.data;
        return out;
    }

    Value log() {
        Value out = new Value(Math.log(data), this);
        out.backward = () -> grad += out.grad / data;
        return out;
    }

    // One depth-first walk with an explicit stack, children in argument
    // order, then each node's backward from the output down.
    void backward() {
        List<Value> topo = new ArrayList<>();
        Map<Value, Boolean> visited = new IdentityHashMap<>();
        Deque<Value> nodes = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        visited.put(this, true);
        nodes.push(this);
        next.push(0);
        while (!nodes.isEmpty()) {
            Value node = nodes.peek();
            int i = next.pop();
            if (i < node.prev.length) {
                next.push(i + 1);
                Value child = node.prev[i];
                if (visited.put(child, true) == null) {
                    nodes.push(child);
                    next.push(0);
                }
            } else {
                nodes.pop();
                topo.add(node);
            }
        }
        grad = 1;
        Collections.reverse(topo);
        for (Value node : topo) {
            node.backward.run();
        }
    }
}
