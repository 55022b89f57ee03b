// The C++ kit of the micrograd parity lab: it speaks the port protocol
// (docs/protocol.md) for the port that adapter.hpp reaches.  Do not edit
// this file; fill in adapter.hpp.
//
// adapter.hpp defines struct Port: its value type V, make, data, grad and
// backward, and a static function per op the port has, named like the op:
// V tanh(V), V add(V, V), V sum(V start, std::vector<V>), V dot(V start,
// std::vector<V> ws, std::vector<V> xs).  The kit finds them from the op
// list of ops.hpp (generated from harness/ops.py).  A number argument is
// made a value with make first.  pow may be V pow(V, double) instead, for a
// port whose pow takes a number exponent only (micrograd's assert): the
// hello says so ("pow": "number-exponent"), and a Value exponent is
// unsupported.  An op without a function is unsupported: the kit never
// builds one op from others.
//
// The nn half (an `mlp` request) is optional: nn.hpp, beside the adapter,
// defines struct Nn (see it); without the file the port has no nn.
//
// Lines of any length; numbers that cross exactly ("inf", "-inf", "nan",
// "-0.0" as strings, finite ones in the shortest form that reads back);
// what the port throws becomes an `error` reply; what it prints goes to
// stderr.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <cxxabi.h>
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <sys/resource.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "adapter.hpp"
#include "ops.hpp"
#if __has_include("nn.hpp")
#include "nn.hpp"
#define MICROGRAD_KIT_NN 1
#endif

namespace kit {

using V = Port::V;

// -- a reader of the JSON the harness sends ----------------------------------

struct Json {
    enum Type { Null, Bool, Number, String, Array, Object } type = Null;
    double number = 0;
    std::string text;
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> members;

    const Json* find(const char* key) const {
        for (const auto& member : members) {
            if (member.first == key) return &member.second;
        }
        return nullptr;
    }
    const Json& operator[](const char* key) const {
        const Json* found = find(key);
        if (!found) throw std::runtime_error(std::string("the program has no ") + key);
        return *found;
    }
};

class Reader {
  public:
    explicit Reader(const std::string& s) : s_(s) {}

    Json value() {
        skip();
        Json j;
        char c = s_.at(at_);
        if (c == '{') {
            j.type = Json::Object;
            for (++at_; more('}');) {
                std::string key = string();
                skip();
                ++at_;  // the colon
                j.members.emplace_back(std::move(key), value());
            }
        } else if (c == '[') {
            j.type = Json::Array;
            for (++at_; more(']');) j.items.push_back(value());
        } else if (c == '"') {
            j.type = Json::String;
            j.text = string();
        } else if (c == 't' || c == 'f' || c == 'n') {
            j.type = c == 'n' ? Json::Null : Json::Bool;
            j.number = c == 't';
            at_ += c == 'f' ? 5 : 4;
        } else {
            j.type = Json::Number;
            auto [end, error] = std::from_chars(s_.data() + at_, s_.data() + s_.size(), j.number);
            if (error != std::errc()) throw std::runtime_error("a number the kit cannot read");
            at_ = end - s_.data();
        }
        return j;
    }

  private:
    // Before each member: true if one follows, false (and past the bracket) at the end.
    bool more(char close) {
        skip();
        if (s_.at(at_) == ',') {
            ++at_;
            skip();
        }
        if (s_.at(at_) == close) {
            ++at_;
            return false;
        }
        return true;
    }

    std::string string() {
        skip();
        std::string out;
        for (++at_; s_.at(at_) != '"'; ++at_) {
            char c = s_[at_];
            if (c != '\\') {
                out += c;
                continue;
            }
            char e = s_.at(++at_);
            if (e == 'u') {  // to UTF-8 (a lone surrogate stays as it is)
                unsigned code = std::stoul(s_.substr(at_ + 1, 4), nullptr, 16);
                at_ += 4;
                if (code >= 0xD800 && code < 0xDC00 && s_.compare(at_ + 1, 2, "\\u") == 0) {
                    code = 0x10000 + ((code - 0xD800) << 10) +
                           (std::stoul(s_.substr(at_ + 3, 4), nullptr, 16) - 0xDC00);
                    at_ += 6;
                }
                utf8(out, code);
            } else {
                const char* from = "bfnrt";
                const char* to = "\b\f\n\r\t";
                const char* p = std::strchr(from, e);
                out += p ? to[p - from] : e;
            }
        }
        ++at_;
        return out;
    }

    static void utf8(std::string& out, unsigned code) {
        if (code < 0x80) {
            out += char(code);
        } else if (code < 0x800) {
            out += char(0xC0 | code >> 6);
            out += char(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += char(0xE0 | code >> 12);
            out += char(0x80 | (code >> 6 & 0x3F));
            out += char(0x80 | (code & 0x3F));
        } else {
            out += char(0xF0 | code >> 18);
            out += char(0x80 | (code >> 12 & 0x3F));
            out += char(0x80 | (code >> 6 & 0x3F));
            out += char(0x80 | (code & 0x3F));
        }
    }

    void skip() {
        while (at_ < s_.size() && s_[at_] && std::strchr(" \t\r\n", s_[at_])) ++at_;
    }

    const std::string& s_;
    size_t at_ = 0;
};

// -- writing ------------------------------------------------------------------

// A double as the protocol writes it: the shortest form that reads back.
std::string wire(double x) {
    if (std::isnan(x)) return "\"nan\"";
    if (std::isinf(x)) return x > 0 ? "\"inf\"" : "\"-inf\"";
    if (x == 0 && std::signbit(x)) return "\"-0.0\"";
    char buffer[32];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
    return std::string(buffer, end);
}

std::string quote(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else {
            out += char(c);  // the harness reads a byte that is not UTF-8 as U+FFFD
        }
    }
    return out + "\"";
}

// -- the adapter's ops, found by name ------------------------------------------

using Op = std::function<V(std::vector<V>&)>;

#define KIT_ARGS_unary std::declval<V>()
#define KIT_ARGS_binary std::declval<V>(), std::declval<V>()
#define KIT_ARGS_terms std::declval<V>(), std::declval<std::vector<V>>()
#define KIT_ARGS_pairs std::declval<V>(), std::declval<std::vector<V>>(), std::declval<std::vector<V>>()
#define KIT_CALL_unary(F) F(a[0])
#define KIT_CALL_binary(F) F(a[0], a[1])
#define KIT_CALL_terms(F) F(a[0], std::vector<V>(a.begin() + 1, a.end()))
#define KIT_CALL_pairs(F)                                                 \
    F(a[0], std::vector<V>(a.begin() + 1, a.begin() + 1 + (a.size() - 1) / 2), \
      std::vector<V>(a.begin() + 1 + (a.size() - 1) / 2, a.end()))

#define KIT_DETECT(NAME, SHAPE)                                                               \
    template <class P, class = void>                                                          \
    struct has_##NAME : std::false_type {};                                                   \
    template <class P>                                                                        \
    struct has_##NAME<P, std::void_t<decltype(P::NAME(KIT_ARGS_##SHAPE))>> : std::true_type {};
MICROGRAD_KIT_OPS(KIT_DETECT)

// V pow(V, double): a number exponent only.
template <class P, class = void>
struct has_number_pow : std::false_type {};
template <class P>
struct has_number_pow<P, std::void_t<decltype(P::pow(std::declval<V>(), 0.0))>> : std::true_type {};
constexpr bool NUMBER_EXPONENT = has_number_pow<Port>::value && !has_pow<Port>::value;

template <class P>
V number_pow(const V& base, double exponent) {
    if constexpr (has_number_pow<P>::value) {
        return P::pow(base, exponent);
    } else {
        throw std::logic_error("adapter.hpp has no V pow(V, double)");
    }
}

template <class P>
std::map<std::string, Op> find_ops() {
    std::map<std::string, Op> ops;
#define KIT_FIND(NAME, SHAPE) \
    if constexpr (has_##NAME<P>::value) ops[#NAME] = [](std::vector<V>& a) -> V { return KIT_CALL_##SHAPE(P::NAME); };
    MICROGRAD_KIT_OPS(KIT_FIND)
    if constexpr (NUMBER_EXPONENT) ops["pow"] = nullptr;   // run_steps calls number_pow
    return ops;
}

const std::map<std::string, Op> OPS = find_ops<Port>();

// -- answering -------------------------------------------------------------------

const std::map<std::string, double> NUMBER_STRINGS = {
    {"inf", INFINITY}, {"-inf", -INFINITY}, {"nan", NAN}, {"-0.0", -0.0}};

// A number of the request: a JSON number, or one of the four number strings.
double number(const Json& arg) {
    return arg.type == Json::Number ? arg.number : NUMBER_STRINGS.at(arg.text);
}

bool is_number(const Json& arg) {
    return arg.type == Json::Number || NUMBER_STRINGS.count(arg.text);
}

V number_or_node(const Json& arg, const std::map<std::string, V>& nodes) {
    if (is_number(arg)) return Port::make(number(arg));
    return nodes.at(arg.text);
}

// Where the port is ("in step y (exp)", "in backward"): its error and its crash
// name it, as a C++ exception or a segfault names no op of its own.
char WHERE[256] = "";

void at(const std::string& where) { std::snprintf(WHERE, sizeof WHERE, "%s", where.c_str()); }

// The main stack's top and how far down it may grow: a fault there is a stack
// overflow (a recursive sort on a deep graph), not a bad pointer.
char* STACK_TOP = nullptr;
std::size_t STACK_REACH = 0;

extern "C" void on_crash(int signal, siginfo_t* info, void*) {   // only write and raise here
    char* fault = static_cast<char*>(info->si_addr);
    bool overflow = signal == SIGSEGV && fault < STACK_TOP &&
                    std::size_t(STACK_TOP - fault) < STACK_REACH;
    const char* name = overflow ? "stack overflow (SIGSEGV)" : signal == SIGSEGV ? "SIGSEGV"
                     : signal == SIGBUS ? "SIGBUS" : signal == SIGFPE ? "SIGFPE" : "SIGILL";
    const char* parts[] = {"fatal error: ", name, WHERE[0] ? " " : "", WHERE, "\n"};
    for (const char* part : parts) {
        if (write(2, part, std::strlen(part)) < 0) break;
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

// Run a program's steps on nodes, each new node appended to order.
void run_steps(std::map<std::string, V>& nodes, const Json& steps, std::vector<V>& order) {
    for (const Json& step : steps.items) {
        at("in step " + step.items[0].text + " (" + step.items[1].text + ")");
        if (NUMBER_EXPONENT && step.items[1].text == "pow") {
            const auto& args = step.items[2].items;
            order.push_back(nodes[step.items[0].text] =
                                number_pow<Port>(number_or_node(args[0], nodes), number(args[1])));
            continue;
        }
        std::vector<V> args;
        for (const Json& arg : step.items[2].items) args.push_back(number_or_node(arg, nodes));
        order.push_back(nodes[step.items[0].text] = OPS.at(step.items[1].text)(args));
    }
}

std::string run(const Json& program) {
    std::map<std::string, V> nodes;
    std::vector<V> order;
    for (const Json& input : program["inputs"].items) {
        at("in input " + input.items[0].text);
        order.push_back(nodes[input.items[0].text] = number_or_node(input.items[1], nodes));
    }
    run_steps(nodes, program["steps"], order);
    const Json* calls = program.find("backward_calls");
    at("in backward");
    for (int i = 0; i < (calls ? int(calls->number) : 1); ++i) Port::backward(nodes.at(program["output"].text));
    at("reading data and grad");
    std::string out;
    for (const V& v : order) {
        out += (out.empty() ? "[" : ",[") + wire(Port::data(v)) + "," + wire(Port::grad(v)) + "]";
    }
    return out;
}

// -- the nn half (nn.hpp) ---------------------------------------------------------

std::vector<std::string> nn_kinds() {
#ifdef MICROGRAD_KIT_NN
    return Nn::kinds();
#else
    return {};
#endif
}

// The losses and every parameter's gradients after each pass of an mlp request.
std::string run_mlp(const Json& request) {
#ifdef MICROGRAD_KIT_NN
    std::vector<int> sizes;
    for (const Json& size : request["sizes"].items) sizes.push_back(int(size.number));
    const std::string& kind = request["activations"].text;
    auto model = Nn::mlp(sizes[0], std::vector<int>(sizes.begin() + 1, sizes.end()),
                         kind.substr(0, kind.find('-')), kind.substr(kind.find('-') + 1));
    const std::vector<Json>& given = request["parameters"].items;
    auto params = [&] {
        std::vector<V> found = Nn::parameters(model);
        if (found.size() != given.size()) {
            throw std::length_error("parameters() gives " + std::to_string(found.size()) +
                                    " values; the MLP has " + std::to_string(given.size()) + " parameters");
        }
        return found;
    };
    std::vector<V> first = params();
    for (size_t k = 0; k < first.size(); ++k) Nn::set_data(first[k], number(given[k]));
    double rate = number(request["learning_rate"]);
    std::string losses, gradients;
    for (int pass = 0; pass <= int(request["steps"].number); ++pass) {
        if (pass > 0) {  // micrograd's demo: p.data -= learning_rate * p.grad
            for (const V& p : params()) Nn::set_data(p, Port::data(p) - rate * Port::grad(p));
        }
        std::map<std::string, V> nodes;
        const std::vector<Json>& rows = request["inputs"].items;
        for (size_t i = 0; i < rows.size(); ++i) {
            std::vector<V> xs;
            for (const Json& x : rows[i].items) xs.push_back(Port::make(number(x)));
            std::vector<V> outs = Nn::forward(model, xs);
            for (size_t j = 0; j < outs.size(); ++j) {
                nodes["out" + std::to_string(i) + "_" + std::to_string(j)] = outs[j];
            }
        }
        std::vector<V> now = params();
        for (size_t k = 0; k < now.size(); ++k) nodes["p" + std::to_string(k)] = now[k];
        std::vector<V> made;
        run_steps(nodes, request["loss"]["steps"], made);
        V loss = nodes.at(request["loss"]["output"].text);
        Nn::zero_grad(model);
        Port::backward(loss);
        losses += (losses.empty() ? "" : ",") + wire(Port::data(loss));
        std::string grads;
        for (const V& p : params()) grads += (grads.empty() ? "" : ",") + wire(Port::grad(p));
        gradients += (gradients.empty() ? "[" : ",[") + grads + "]";
    }
    return "\"losses\":[" + losses + "],\"gradients\":[" + gradients + "]";
#else
    return "";
#endif
}

std::string demangled(const char* name) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> readable(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                                    std::free);
    return status == 0 ? readable.get() : name;
}

std::string answer(const std::string& line) {
    Json program = Reader(line).value();
    std::string id = wire(program["id"].number);
    const Json* kind = program.find("kind");
    bool is_mlp = kind && kind->text == "mlp";
    if (is_mlp) {
        std::vector<std::string> kinds = nn_kinds();
        const std::string& wanted = program["activations"].text;
        if (std::find(kinds.begin(), kinds.end(), wanted) == kinds.end()) {
            return "{\"kind\":\"unsupported\",\"id\":" + id + ",\"op\":\"mlp\",\"message\":" +
                   quote("nn.hpp builds no " + wanted + " MLP") + "}";
        }
    }
    for (const Json& step : (is_mlp ? program["loss"]["steps"] : program["steps"]).items) {
        const std::string& op = step.items[1].text;
        if (!OPS.count(op)) {
            return "{\"kind\":\"unsupported\",\"id\":" + id + ",\"op\":" + quote(op) +
                   ",\"message\":" + quote("adapter.hpp has no Port::" + op) + "}";
        }
        if (NUMBER_EXPONENT && op == "pow" && !is_number(step.items[2].items.at(1))) {
            return "{\"kind\":\"unsupported\",\"id\":" + id + ",\"op\":\"pow\",\"message\":" +
                   quote("adapter.hpp's Port::pow takes a number exponent only") + "}";
        }
    }
    std::string message;
    at(is_mlp ? "in the mlp request" : "");
    try {
        if (is_mlp) return "{\"kind\":\"mlp_result\",\"id\":" + id + "," + run_mlp(program) + "}";
        return "{\"kind\":\"result\",\"id\":" + id + ",\"nodes\":[" + run(program) + "]}";
    } catch (const std::exception& error) {
        message = demangled(typeid(error).name()) + ": " + error.what();
    } catch (const char* text) {
        message = text;
    } catch (const std::string& text) {
        message = text;
    } catch (...) {
        std::type_info* type = abi::__cxa_current_exception_type();
        message = "an exception of type " + (type ? demangled(type->name()) : std::string("unknown"));
    }
    if (WHERE[0]) message += std::string(" [") + WHERE + "]";
    return "{\"kind\":\"error\",\"id\":" + id + ",\"message\":" + quote(message) + "}";
}

}  // namespace kit

int main(int argc, char** argv) {
    // The protocol owns stdout: the port's prints (printf, std::cout) go to stderr.
    FILE* protocol = fdopen(dup(1), "w");
    dup2(2, 1);
    std::ios::sync_with_stdio(false);
    // a crash says where it was; on a stack of its own, as a stack overflow leaves none
    char here;
    kit::STACK_TOP = &here;
    rlimit stack_limit = {};
    getrlimit(RLIMIT_STACK, &stack_limit);
    kit::STACK_REACH = (stack_limit.rlim_cur == RLIM_INFINITY ? std::size_t(1) << 30
                        : std::size_t(stack_limit.rlim_cur)) + (std::size_t(1) << 20);
    static char crash_stack[1 << 16];
    stack_t alternate = {};
    alternate.ss_sp = crash_stack;
    alternate.ss_size = sizeof crash_stack;
    sigaltstack(&alternate, nullptr);
    struct sigaction crash = {};
    crash.sa_sigaction = kit::on_crash;
    crash.sa_flags = SA_ONSTACK | SA_SIGINFO;
    for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) sigaction(signal, &crash, nullptr);
    std::string name = argc == 3 && std::string(argv[1]) == "--name" ? argv[2] : "c++ port";
    std::string ops, kinds;
    for (const auto& op : kit::OPS) ops += (ops.empty() ? "" : ",") + kit::quote(op.first);
    for (const auto& kind : kit::nn_kinds()) kinds += (kinds.empty() ? "" : ",") + kit::quote(kind);
    std::string hello = "{\"kind\":\"hello\",\"protocol\":1,\"name\":" + kit::quote(name) +
                        ",\"language\":\"c++\",\"version\":" +
                        kit::quote("C++ " + std::to_string(__cplusplus) + ", compiler " + __VERSION__) +
                        ",\"ops\":[" + ops + "]" + (kinds.empty() ? "" : ",\"nn\":[" + kinds + "]") +
                        (kit::NUMBER_EXPONENT ? ",\"pow\":\"number-exponent\"" : "") + "}\n";
    std::fputs(hello.c_str(), protocol);
    std::fflush(protocol);
    for (std::string line; std::getline(std::cin, line);) {  // lines of any length
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::string reply = kit::answer(line) + "\n";
        std::fwrite(reply.data(), 1, reply.size(), protocol);
        std::fflush(protocol);
    }
    return 0;
}
