//===- kiln-onnx-conformance.cpp - the ONNX backend test data runner ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Compiles every model of the ONNX backend test data (Debian's
// libonnx-testdata: node, simple, pytorch-converted, pytorch-operator) with
// Kiln, runs each test_data_set_* and compares the outputs with ONNX's
// tolerances (rtol 1e-3, atol 1e-7), twice: with the model's static shapes
// and with the leading dimension of every input made dynamic.
//
// Each case runs in a child process, so a crash is recorded against the case
// (and fails the run) instead of ending it. The expected-failure list names
// every case that does not pass, with the reason; the run fails on a failure
// the list does not name, on a listed case that passes, and on any crash or
// timeout. `--update` rewrites the list from the run.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Driver.h"
#include "compiler/Registration/Registration.h"
#include "kiln/onnx/Import.h"
#include "kiln/library.h"
#include "kiln/runtime.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <map>
#include <poll.h>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace llvm;

static cl::opt<std::string> dataDir("data", cl::desc("the backend test data"),
                                    cl::init("/usr/share/libonnx-testdata/data"));
static cl::list<std::string> suites("suite", cl::desc("suites to run (default: all four)"));
static cl::opt<std::string> modes("modes", cl::desc("static,dynamic"),
                                  cl::init("static,dynamic"));
static cl::opt<std::string> expectedFile("expected",
                                         cl::desc("the expected-failure list"));
static cl::opt<bool> update("update", cl::desc("rewrite the expected-failure list"));
static cl::opt<std::string> filter("filter", cl::desc("only cases matching this regex"));
static cl::opt<unsigned> jobs("j", cl::desc("cases at once (default: cores)"));
static cl::opt<unsigned> timeoutSeconds("timeout", cl::desc("seconds per case"),
                                        cl::init(120));
static cl::opt<bool> verbose("v", cl::desc("print every case's result"));
static cl::opt<std::string> runtimeArchive("runtime",
                                           cl::desc("libkiln_runtime.a"));
static cl::opt<std::string> markdown(
    "markdown", cl::desc("write docs/onnx.md (the op table, and the counts "
                         "that the expected-failure list implies) to this file"));
static cl::opt<std::string> checkMarkdown(
    "check-markdown", cl::desc("fail when this file differs from what --markdown writes"));
// Internal: run one case in this process and print its result.
static cl::opt<std::string> oneCase("one", cl::desc("run one case directory"),
                                    cl::Hidden);
static cl::opt<bool> oneDynamic("one-dynamic", cl::Hidden);

namespace {

//===----------------------------------------------------------------------===//
// One case, in the child
//===----------------------------------------------------------------------===//

/// A tensor read from a TensorProto: its kiln dtype, dims and dense bytes.
struct Tensor {
  int32_t dtype = -1;
  std::vector<int64_t> dims;
  std::string bytes;
};

/// The runtime's name of a kiln_dtype_t code.
const char *dtypeName(int32_t dtype) {
  const char *name = kiln_dtype_name(static_cast<kiln_dtype_t>(dtype));
  return name ? name : "?";
}

/// Reads `path` (a TensorProto) into `t`; false with `error` when the file
/// is not a tensor Kiln can pass (strings, unsigned types, sequences).
bool readTensor(const std::string &path, Tensor &t, std::string &error) {
  auto buffer = MemoryBuffer::getFile(path);
  if (!buffer) {
    error = "cannot read " + path;
    return false;
  }
  onnx::TensorProto proto;
  if (!proto.ParseFromString((*buffer)->getBuffer().str())) {
    error = sys::path::filename(path).str() + " is not a TensorProto";
    return false;
  }
  using TP = onnx::TensorProto;
  switch (proto.data_type()) {
  case TP::FLOAT: t.dtype = KILN_F32; break;
  case TP::DOUBLE: t.dtype = KILN_F64; break;
  case TP::FLOAT16: t.dtype = KILN_F16; break;
  case TP::BFLOAT16: t.dtype = KILN_BF16; break;
  case TP::BOOL: t.dtype = KILN_I1; break;
  case TP::INT8: t.dtype = KILN_I8; break;
  case TP::INT16: t.dtype = KILN_I16; break;
  case TP::INT32: t.dtype = KILN_I32; break;
  case TP::INT64: t.dtype = KILN_I64; break;
  // NumPy has no bfloat16: the backend test data stores bfloat16 tensors as
  // their uint16 bits (ONNX's own runner reads them so).
  case TP::UINT16: t.dtype = KILN_BF16; break;
  default:
    error = sys::path::filename(path).str() + " has element type " +
            TP::DataType_Name(TP::DataType(proto.data_type())) +
            ", which Kiln does not take";
    return false;
  }
  int64_t count = 1;
  for (int64_t d : proto.dims()) {
    t.dims.push_back(d);
    count *= d;
  }
  size_t size = kiln_dtype_size(static_cast<kiln_dtype_t>(t.dtype));
  if (proto.has_raw_data()) {
    t.bytes = proto.raw_data();
  } else {
    t.bytes.assign(count * size, '\0');
    char *out = t.bytes.data();
    auto store = [&](int64_t i, auto value) { std::memcpy(out + i * size, &value, size); };
    switch (t.dtype) {
    case KILN_F32:
      for (int64_t i = 0; i < proto.float_data_size() && i < count; ++i)
        store(i, proto.float_data(i));
      break;
    case KILN_F64:
      for (int64_t i = 0; i < proto.double_data_size() && i < count; ++i)
        store(i, proto.double_data(i));
      break;
    case KILN_I64:
      for (int64_t i = 0; i < proto.int64_data_size() && i < count; ++i)
        store(i, proto.int64_data(i));
      break;
    default: // int32_data holds the narrower types (and f16 bits) too
      for (int64_t i = 0; i < proto.int32_data_size() && i < count; ++i) {
        int32_t v = proto.int32_data(i);
        if (size == 1) store(i, (int8_t)v);
        else if (size == 2) store(i, (int16_t)v);
        else store(i, v);
      }
    }
  }
  if ((int64_t)t.bytes.size() != count * (int64_t)size) {
    error = sys::path::filename(path).str() + " has " +
            std::to_string(t.bytes.size()) + " bytes for " +
            std::to_string(count) + " elements";
    return false;
  }
  return true;
}

double elementAt(const void *data, int32_t dtype, int64_t i) {
  auto at = [&](auto zero) {
    decltype(zero) v;
    std::memcpy(&v, static_cast<const char *>(data) + i * sizeof v, sizeof v);
    return v;
  };
  auto half = [](uint16_t h, bool bf16) -> double {
    if (bf16) {
      uint32_t bits = uint32_t(h) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    int exp = (h >> 10) & 31, mant = h & 1023;
    double sign = (h & 0x8000) ? -1 : 1;
    if (exp == 31)
      return mant ? NAN : sign * INFINITY;
    if (exp == 0)
      return sign * std::ldexp(mant, -24);
    return sign * std::ldexp(mant + 1024, exp - 25);
  };
  switch (dtype) {
  case KILN_F32: return at(float());
  case KILN_F64: return at(double());
  case KILN_F16: return half(at(uint16_t()), false);
  case KILN_BF16: return half(at(uint16_t()), true);
  case KILN_I1: return at(uint8_t()) != 0;
  case KILN_I8: return at(int8_t());
  case KILN_I16: return at(int16_t());
  case KILN_I32: return at(int32_t());
  default: return (double)at(int64_t());
  }
}

std::string dimsText(ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

/// Compares one output with numpy.testing.assert_allclose's rule
/// (|got - want| <= atol + rtol * |want|, NaNs equal); "" when it holds.
std::string compare(const kiln_tensor_t &got, const Tensor &want) {
  if (got.dtype != want.dtype)
    return std::string("dtype ") + dtypeName(got.dtype) + ", expected " +
           dtypeName(want.dtype);
  ArrayRef<int64_t> gotDims(got.dims, got.rank);
  if (gotDims != ArrayRef<int64_t>(want.dims))
    return "shape " + dimsText(gotDims) + ", expected " + dimsText(want.dims);
  int64_t count = want.bytes.size() / kiln_dtype_size(static_cast<kiln_dtype_t>(want.dtype));
  int64_t bad = 0, first = -1;
  double worst = 0;
  for (int64_t i = 0; i < count; ++i) {
    double g = elementAt(got.data, got.dtype, i);
    double w = elementAt(want.bytes.data(), want.dtype, i);
    bool ok = std::isnan(w) ? std::isnan(g)
              : std::isinf(w) ? g == w
                              : std::fabs(g - w) <= 1e-7 + 1e-3 * std::fabs(w);
    if (!ok) {
      if (first < 0)
        first = i;
      ++bad;
      worst = std::max(worst, std::fabs(g - w));
    }
  }
  if (!bad)
    return "";
  return std::to_string(bad) + " of " + std::to_string(count) +
         " elements differ (first at " + std::to_string(first) + ": " +
         std::to_string(elementAt(got.data, got.dtype, first)) + " vs " +
         std::to_string(elementAt(want.bytes.data(), want.dtype, first)) +
         "; largest difference " + std::to_string(worst) + ")";
}

/// The first line of `text`, at most 200 characters.
std::string firstLine(StringRef text) {
  text = text.trim();
  std::string line = text.take_until([](char c) { return c == '\n'; }).str();
  if (line.size() > 200)
    line = line.substr(0, 197) + "...";
  return line;
}

/// Imports, compiles and runs one case; returns "pass" or
/// "<stage>: <reason>".
std::string runCase(const std::string &dir, bool dynamic,
                    const std::string &runtime) {
  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.disableMultithreading();
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error &&
        diagnostics.empty()) {
      llvm::raw_string_ostream os(diagnostics);
      if (auto loc = dyn_cast<mlir::NameLoc>(d.getLocation()))
        os << "node '" << loc.getName().getValue() << "': ";
      else if (auto fused = dyn_cast<mlir::FusedLoc>(d.getLocation()))
        for (mlir::Location l : fused.getLocations())
          if (auto name = dyn_cast<mlir::NameLoc>(l)) {
            os << "node '" << name.getName().getValue() << "': ";
            break;
          }
      os << d.str();
    }
    return mlir::success();
  });

  mlir::OwningOpRef<mlir::ModuleOp> module;
  kiln::OnnxImportResult imported;
  kiln::OnnxImportOptions options;
  options.name = "model";
  options.dynamicBatch = dynamic;
  std::string path = dir + "/model.onnx";
  if (!kiln::importOnnxFile(path, ctx, module, imported, options)) {
    StringRef why = imported.error;
    why.consume_front("'" + path + "': ");
    return "import: " + firstLine(why);
  }

  SmallString<128> out;
  if (sys::fs::createUniqueDirectory("kiln-onnx-case", out))
    return "setup: cannot create a temporary directory";
  std::string outDir(out);
  llvm::scope_exit cleanup([&] { sys::fs::remove_directories(outDir); });
  kiln::CompileOptions compileOptions;
  compileOptions.name = "model";
  compileOptions.outputDir = outDir;
  compileOptions.runtimeArchive = runtime;
  if (failed(kiln::compile(*module, compileOptions)))
    return "compile: " + firstLine(diagnostics.empty() ? "failed" : diagnostics);

  std::string lib = outDir + "/libmodel.so";
  kiln_library_t *library = nullptr;
  if (kiln_library_open(lib.c_str(), "model", &library) != KILN_OK)
    return std::string("load: ") + kiln_last_error();
  using CreateFn = int (*)(void **);
  using DestroyFn = void (*)(void *);
  using RunFn = int (*)(void *, const kiln_tensor_t *, kiln_tensor_t *);
  auto create = reinterpret_cast<CreateFn>(kiln_library_symbol(library, "create"));
  auto destroy = reinterpret_cast<DestroyFn>(kiln_library_symbol(library, "destroy"));
  auto run = reinterpret_cast<RunFn>(kiln_library_symbol(library, "run"));
  auto lastError = [&] { return kiln_library_last_error(library); };
  if (!run)
    return "load: the library lacks model_run";
  const kiln_model_t *described = kiln_library_model(library);
  size_t numInputs = kiln_model_num_inputs(described);
  size_t numOutputs = kiln_model_num_outputs(described);
  void *model = nullptr;
  if (create(&model) != 0)
    return std::string("create: ") + lastError();
  llvm::scope_exit release([&] { destroy(model); });

  std::vector<std::string> sets;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (StringRef(sys::path::filename(it->path())).starts_with("test_data_set_"))
      sets.push_back(it->path());
  llvm::sort(sets);
  if (sets.empty())
    return "data: no test_data_set_*";
  for (const std::string &set : sets) {
    std::vector<Tensor> inputs, expected;
    std::string error;
    for (auto [prefix, into] :
         {std::pair{"input_", &inputs}, std::pair{"output_", &expected}})
      for (int i = 0;; ++i) {
        std::string path = set + "/" + prefix + std::to_string(i) + ".pb";
        if (!sys::fs::exists(path))
          break;
        into->emplace_back();
        if (!readTensor(path, into->back(), error))
          return "data: " + error;
      }
    if (inputs.size() != numInputs || expected.size() != numOutputs)
      return "data: the model has " + std::to_string(numInputs) + " inputs and " +
             std::to_string(numOutputs) + " outputs, the data set " +
             std::to_string(inputs.size()) + " and " +
             std::to_string(expected.size());
    std::vector<kiln_tensor_t> in(inputs.size());
    for (auto [i, t] : llvm::enumerate(inputs)) {
      in[i].dtype = t.dtype;
      in[i].rank = t.dims.size();
      llvm::copy(t.dims, in[i].dims);
      in[i].data = t.bytes.data();
    }
    std::vector<kiln_tensor_t> results(numOutputs);
    if (run(model, in.data(), results.data()) != 0)
      return std::string("run: ") + lastError();
    std::string mismatch;
    for (auto [i, want] : llvm::enumerate(expected)) {
      if (mismatch.empty()) {
        std::string why = compare(results[i], want);
        if (!why.empty())
          mismatch = "output " + std::to_string(i) + ": " + why;
      }
      free(results[i].data);
    }
    if (!mismatch.empty())
      return "mismatch: " + mismatch;
  }
  return "pass";
}

//===----------------------------------------------------------------------===//
// The parent: cases, children, the list
//===----------------------------------------------------------------------===//

struct Case {
  std::string suite, name, dir;
  bool dynamic;
  std::string key() const {
    return suite + "/" + name + (dynamic ? " dynamic" : " static");
  }
};

struct Child {
  pid_t pid;
  int fd;
  size_t index;
  std::string output;
  std::chrono::steady_clock::time_point start;
};

/// Runs every case in a child (`self --one DIR`), `jobs` at once; fills
/// `results[i]` with the child's line, or "crash: ..." / "timeout: ...".
void runAll(const std::string &self, const std::vector<Case> &cases,
            std::vector<std::string> &results, unsigned parallel) {
  std::vector<Child> running;
  size_t next = 0, done = 0;
  auto launch = [&](size_t i) {
    int fds[2];
    if (pipe(fds) != 0) {
      results[i] = "crash: cannot create a pipe";
      ++done;
      return;
    }
    pid_t pid = fork();
    if (pid == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::string flag = cases[i].dynamic ? "--one-dynamic" : "--one-dynamic=false";
      std::string runtimeFlag = "--runtime=" + runtimeArchive;
      execl(self.c_str(), self.c_str(), "--one", cases[i].dir.c_str(),
            flag.c_str(), runtimeFlag.c_str(), (char *)nullptr);
      _exit(127);
    }
    close(fds[1]);
    running.push_back({pid, fds[0], i, "", std::chrono::steady_clock::now()});
  };
  while (done < cases.size()) {
    while (running.size() < parallel && next < cases.size())
      launch(next++);
    std::vector<pollfd> polls;
    for (Child &c : running)
      polls.push_back({c.fd, POLLIN, 0});
    poll(polls.data(), polls.size(), 1000);
    for (size_t k = 0; k < running.size();) {
      Child &c = running[k];
      bool finished = false;
      if (polls.size() > k && (polls[k].revents & (POLLIN | POLLHUP))) {
        char buf[4096];
        ssize_t n = read(c.fd, buf, sizeof buf);
        if (n > 0)
          c.output.append(buf, n);
        else
          finished = true;
      }
      auto elapsed = std::chrono::steady_clock::now() - c.start;
      bool late = elapsed > std::chrono::seconds(timeoutSeconds);
      if (late && !finished) {
        kill(c.pid, SIGKILL);
        finished = true;
      }
      if (!finished) {
        ++k;
        continue;
      }
      close(c.fd);
      int status = 0;
      waitpid(c.pid, &status, 0);
      std::string line = StringRef(c.output).trim().str();
      size_t lastLine = line.rfind('\n');
      if (lastLine != std::string::npos)
        line = line.substr(lastLine + 1);
      if (late)
        results[c.index] = "timeout: over " + std::to_string(timeoutSeconds) + " s";
      else if (WIFSIGNALED(status))
        results[c.index] = std::string("crash: signal ") +
                           strsignal(WTERMSIG(status));
      else if (!StringRef(line).starts_with("result: "))
        results[c.index] = "crash: exit " + std::to_string(WEXITSTATUS(status)) +
                           " without a result";
      else
        results[c.index] = line.substr(8);
      if (verbose)
        outs() << cases[c.index].key() << ": " << results[c.index] << "\n";
      ++done;
      running.erase(running.begin() + k);
      polls.erase(polls.begin() + k);
    }
  }
}

/// Reads the expected-failure list: "suite/case mode: reason" per line.
std::map<std::string, std::string> readExpected(const std::string &path) {
  std::map<std::string, std::string> expected;
  auto buffer = MemoryBuffer::getFile(path);
  if (!buffer)
    return expected;
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, false);
  for (StringRef line : lines) {
    line = line.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    auto [key, reason] = line.split(": ");
    expected[key.trim().str()] = reason.trim().str();
  }
  return expected;
}

/// The case names of each suite in the data directory.
std::map<std::string, std::vector<std::string>>
listCases(const std::vector<std::string> &suiteNames) {
  std::map<std::string, std::vector<std::string>> out;
  for (const std::string &suite : suiteNames) {
    std::error_code ec;
    std::string root = dataDir + "/" + suite;
    for (sys::fs::directory_iterator it(root, ec), end; it != end && !ec;
         it.increment(ec))
      if (sys::fs::exists(it->path() + "/model.onnx"))
        out[suite].push_back(sys::path::filename(it->path()).str());
    llvm::sort(out[suite]);
  }
  return out;
}

/// docs/onnx.md: usage, the conformance counts the expected-failure list
/// implies (every case not listed passes: the conformance test checks it),
/// the most common reasons, and the importer's op table.
std::string renderMarkdown(const std::vector<std::string> &suiteNames) {
  std::map<std::string, std::string> expected = readExpected(expectedFile);
  auto cases = listCases(suiteNames);
  std::string s;
  raw_string_ostream os(s);
  os << "<!-- Generated by `ninja -C build kiln-onnx-docs` (kiln-onnx-conformance "
        "--markdown)\n     from the importer's op table and "
        "test/frontend/onnx/conformance/expected-failures.txt;\n     the "
        "onnx-docs-up-to-date test fails when it is stale. Do not edit. -->\n"
     << "# ONNX import\n\n"
     << "Kiln reads `.onnx` files with Debian's ONNX library: the model is "
        "checked\n(`onnx::checker`), shape inference runs, and the graph "
        "becomes one function of\n`kiln` ops. Initializers become "
        "constants (or, for `kiln train`, trainable\nweights), every op "
        "keeps its node's name and type as its location, and\n`dim_param` "
        "dimensions are dynamic.\n\n"
     << "```sh\n"
        "kiln import model.onnx                 # print the kiln IR\n"
        "kiln summary model.onnx                # nodes, shapes, parameters\n"
        "kiln compile model.onnx -o build/ --name net   # libnet.so + net.h\n"
        "kiln compile model.onnx --dynamic-batch -o build/ --name net\n"
        "kiln train model.onnx --data train.csv --loss mse --epochs 10\n"
        "```\n\n"
     << "* **Opsets.** Models of opsets 1 to 17 load; each op imports from "
        "the first\n  opset whose semantics Kiln implements (the table "
        "below), and an older\n  version of an op is an error that names "
        "the node.\n"
     << "* **Shapes computed in the graph.** `Shape` of a dynamic tensor is "
        "read at\n  run time (`kiln.shape_of`); the importer keeps the "
        "entries it knows through\n  `Gather`, `Slice`, `Concat`, "
        "`Unsqueeze` and `Cast`, so that a `Reshape` to\n  such a vector "
        "still has static sizes where the model has them. A reshape\n  with "
        "more than one size known only at run time is a `kiln.dynamic_reshape`"
        "\n  (its rank, the shape vector's length, must be known). Masks "
        "over dynamic\n  sizes (`Trilu`, `EyeLike`, `Hardmax`) use "
        "`kiln.iota`.\n"
     << "* **Axes and pads known at compile time.** Axes, pads, slice bounds, "
        "split\n  sizes and the shape of `Expand`/`ConstantOfShape` given "
        "as a tensor must be\n  constants (an initializer, a `Constant`, or "
        "shape arithmetic on them, which\n  the importer folds), or the "
        "model must declare the output's static shape\n  (ONNX shape "
        "inference or the graph's `value_info`). Otherwise the import\n  "
        "fails with the node's name.\n"
     << "* **Dynamic sizes.** `--dynamic-batch` makes every input's leading "
        "dimension\n  dynamic; `dim_param` dimensions are dynamic already. "
        "Each gets a symbol\n  (its `dim_param`, or one of its own); "
        "elementwise ops between sizes of\n  different symbols broadcast "
        "at run time (a size may be 1). Libraries with a\n  dynamic "
        "dimension other than the leading one run through `NAME_run`\n  "
        "(see [c-api.md](c-api.md)), which checks that inputs sharing a\n  "
        "`dim_param` have equal sizes.\n"
     << "* **Training.** `kiln train model.onnx` trains the float "
        "initializers of rank\n  1 or more; integer and scalar initializers "
        "stay constants. ONNX records no\n  loss: `--loss` names one.\n\n"
     << "## Conformance\n\n"
     << "`kiln-onnx-conformance` compiles every model of Debian's "
        "`libonnx-testdata`\n(ONNX 1.12), runs each `test_data_set_*` and "
        "compares with ONNX's tolerances\n(rtol 1e-3, atol 1e-7), once with "
        "the models' static shapes and once with the\nleading dimension of "
        "every input dynamic. Each case runs in a child process,\nso a "
        "crash is counted, not fatal. The ctest `onnx-conformance` fails on "
        "a\nfailure that `test/frontend/onnx/conformance/expected-failures.txt` does "
        "not list (with\nits reason), on a listed case that passes, and on "
        "any crash.\n\n"
     << "| suite | mode | cases | pass | fail |\n|---|---|---:|---:|---:|\n";
  std::map<std::string, int> reasons;
  for (const std::string &suite : suiteNames)
    for (const char *mode : {"static", "dynamic"}) {
      int total = cases[suite].size(), fail = 0;
      for (const std::string &name : cases[suite]) {
        auto it = expected.find(suite + "/" + name + " " + mode);
        if (it == expected.end())
          continue;
        ++fail;
        if (suite == "node" && StringRef(mode) == "static") {
          // Group by reason, without node names and numbers.
          std::string r;
          bool quoted = false;
          for (char ch : it->second) {
            if (ch == '\'') {
              quoted = !quoted;
              if (quoted)
                r += "'…'";
              continue;
            }
            if (!quoted)
              r += std::isdigit(static_cast<unsigned char>(ch)) ? 'N' : ch;
          }
          size_t cut = r.find(" (first at");
          reasons[r.substr(0, std::min(cut, r.size()))]++;
        }
      }
      os << "| " << suite << " | " << mode << " | " << total << " | "
         << total - fail << " | " << fail << " |\n";
    }
  std::vector<std::pair<int, std::string>> ranked;
  for (auto &[r, n] : reasons)
    ranked.push_back({-n, r});
  llvm::sort(ranked);
  os << "\nThe most common reasons among the `node` suite's static "
        "failures:\n\n| cases | reason |\n|---:|---|\n";
  for (size_t i = 0; i < ranked.size() && i < 20; ++i) {
    std::string r = ranked[i].second;
    std::replace(r.begin(), r.end(), '|', '/');
    os << "| " << -ranked[i].first << " | " << r << " |\n";
  }
  os << "\n## Supported ops\n\n"
     << "The importer's own table (`frontend/onnx/ops/`, one file per op "
        "family), default domain.\n\n| op | opsets | notes |\n|---|---|---|\n";
  std::vector<kiln::OnnxOpSupport> ops = kiln::supportedOnnxOps();
  llvm::sort(ops, [](const auto &a, const auto &b) { return a.op < b.op; });
  for (const auto &op : ops)
    os << "| " << op.op << " | " << op.sinceOpset << "–" << op.untilOpset
       << " | " << op.note << " |\n";
  os << "\n" << ops.size() << " ops.\n";
  return s;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  kiln::registerAllPasses();
  cl::ParseCommandLineOptions(argc, argv,
                              "kiln-onnx-conformance: the ONNX backend test "
                              "data, compiled and run with Kiln\n");
  std::string self = sys::fs::getMainExecutable(argv[0], (void *)&main);
  if (runtimeArchive.empty()) {
    SmallString<256> path(sys::path::parent_path(sys::path::parent_path(self)));
    sys::path::append(path, "lib", "libkiln_runtime.a");
    runtimeArchive = std::string(path);
  }
  if (!oneCase.empty()) {
    std::string result = runCase(oneCase, oneDynamic, runtimeArchive);
    std::replace(result.begin(), result.end(), '\n', ' ');
    outs() << "\nresult: " << result << "\n";
    outs().flush();
    return 0;
  }

  std::vector<std::string> suiteNames(suites.begin(), suites.end());
  if (suiteNames.empty())
    suiteNames = {"node", "simple", "pytorch-converted", "pytorch-operator"};
  if (!markdown.empty() || !checkMarkdown.empty()) {
    if (expectedFile.empty()) {
      errs() << "kiln-onnx-conformance: --markdown needs --expected\n";
      return 2;
    }
    std::string text = renderMarkdown(suiteNames);
    if (!checkMarkdown.empty()) {
      auto buffer = MemoryBuffer::getFile(checkMarkdown);
      if (!buffer || (*buffer)->getBuffer() != text) {
        errs() << "kiln-onnx-conformance: " << checkMarkdown
               << " is stale: run `ninja -C build kiln-onnx-docs` and commit it\n";
        return 1;
      }
      outs() << checkMarkdown << " is up to date\n";
      return 0;
    }
    std::error_code ec;
    raw_fd_ostream os(markdown, ec);
    if (ec) {
      errs() << "kiln-onnx-conformance: cannot write '" << markdown << "'\n";
      return 2;
    }
    os << text;
    return 0;
  }
  std::vector<bool> modeList;
  for (StringRef m : split(StringRef(modes), ',')) {
    if (m != "static" && m != "dynamic") {
      errs() << "kiln-onnx-conformance: unknown mode '" << m << "'\n";
      return 2;
    }
    modeList.push_back(m == "dynamic");
  }
  Regex only(filter.empty() ? ".*" : filter.getValue());
  std::vector<Case> cases;
  for (const std::string &suite : suiteNames) {
    std::string root = dataDir + "/" + suite;
    std::vector<std::string> names;
    std::error_code ec;
    for (sys::fs::directory_iterator it(root, ec), end; it != end && !ec;
         it.increment(ec))
      if (sys::fs::exists(it->path() + "/model.onnx"))
        names.push_back(sys::path::filename(it->path()).str());
    if (ec || names.empty()) {
      errs() << "kiln-onnx-conformance: no cases in '" << root
             << "' (is libonnx-testdata installed?)\n";
      return 2;
    }
    llvm::sort(names);
    for (bool dynamic : modeList)
      for (const std::string &name : names) {
        Case c{suite, name, root + "/" + name, dynamic};
        if (only.match(suite + "/" + name))
          cases.push_back(c);
      }
  }

  unsigned parallel = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::string> results(cases.size());
  auto start = std::chrono::steady_clock::now();
  runAll(self, cases, results, parallel);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Counts per suite and mode.
  struct Counts { int cases = 0, pass = 0, fail = 0, crash = 0; };
  std::map<std::pair<std::string, bool>, Counts> counts;
  for (auto [i, c] : llvm::enumerate(cases)) {
    Counts &n = counts[{c.suite, c.dynamic}];
    ++n.cases;
    StringRef r = results[i];
    if (r == "pass") ++n.pass;
    else if (r.starts_with("crash:") || r.starts_with("timeout:")) ++n.crash;
    else ++n.fail;
  }
  outs() << format("%-20s %-8s %6s %6s %6s %6s\n", "suite", "mode", "cases",
                   "pass", "fail", "crash");
  for (const std::string &suite : suiteNames)
    for (bool dynamic : modeList) {
      Counts n = counts[{suite, dynamic}];
      outs() << format("%-20s %-8s %6d %6d %6d %6d\n", suite.c_str(),
                       dynamic ? "dynamic" : "static", n.cases, n.pass, n.fail,
                       n.crash);
    }
  outs() << format("(%.0f s, %u at once)\n", seconds, parallel);

  if (expectedFile.empty())
    return 0;
  std::map<std::string, std::string> expected = readExpected(expectedFile);
  if (update) {
    // Keep the entries of cases this run did not cover.
    std::set<std::string> covered;
    for (const Case &c : cases)
      covered.insert(c.key());
    std::map<std::string, std::string> list;
    for (auto &[key, reason] : expected)
      if (!covered.count(key))
        list[key] = reason;
    for (auto [i, c] : llvm::enumerate(cases))
      if (results[i] != "pass")
        list[c.key()] = results[i];
    std::string text =
        "# The ONNX backend test cases Kiln does not pass, one per line:\n"
        "# \"suite/case mode: reason\". Written by kiln-onnx-conformance "
        "--update;\n# the conformance test fails when a case not listed here "
        "fails or a\n# listed case passes.\n";
    for (auto &[key, reason] : list)
      text += key + ": " + reason + "\n";
    std::string temp = expectedFile + ".tmp";
    std::error_code ec;
    {
      raw_fd_ostream os(temp, ec);
      if (!ec)
        os << text;
    }
    if (ec || sys::fs::rename(temp, expectedFile)) {
      errs() << "kiln-onnx-conformance: cannot write '" << expectedFile << "'\n";
      sys::fs::remove(temp);
      return 2;
    }
    outs() << "wrote " << list.size() << " expected failures to "
           << expectedFile << "\n";
  }
  int newFailures = 0, unexpectedPasses = 0, crashes = 0;
  for (auto [i, c] : llvm::enumerate(cases)) {
    StringRef r = results[i];
    bool listed = expected.count(c.key());
    if (r.starts_with("crash:") || r.starts_with("timeout:")) {
      outs() << "CRASH: " << c.key() << ": " << r << "\n";
      ++crashes;
    } else if (update) {
      continue;
    } else if (r != "pass" && !listed) {
      outs() << "NEW FAILURE: " << c.key() << ": " << r << "\n";
      ++newFailures;
    } else if (r == "pass" && listed) {
      outs() << "UNEXPECTED PASS: " << c.key() << " (listed: "
             << expected[c.key()] << ")\n";
      ++unexpectedPasses;
    }
  }
  outs() << newFailures << " new failures, " << unexpectedPasses
         << " unexpected passes, " << crashes << " crashes\n";
  return newFailures || unexpectedPasses || crashes ? 1 : 0;
}
