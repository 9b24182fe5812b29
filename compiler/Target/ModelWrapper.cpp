//===- ModelWrapper.cpp - the typed C API of a generated library ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The exported functions are built directly in the LLVM dialect, so that
// the whole library comes out of one in-process code generation; they are
// thin: argument packing, then a call into the runtime.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/ModelWrapper.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {
namespace {

/// Builds the wrapper functions into one module.
class WrapperBuilder {
public:
  WrapperBuilder(ModuleOp module, const ModelSignature &sig)
      : module(module), sig(sig), b(module.getContext()),
        loc(module.getLoc()), ptr(LLVM::LLVMPointerType::get(b.getContext())),
        i32(b.getI32Type()), i64(b.getI64Type()) {
    b.setInsertionPointToEnd(module.getBody());
  }

  LogicalResult build() {
    auto ciface = module.lookupSymbol<LLVM::LLVMFuncOp>("_mlir_ciface_" +
                                                        sig.entry);
    if (!ciface)
      return module.emitError("entry function '")
             << sig.entry << "' has no C interface after lowering";
    LLVM::LLVMFuncOp invoke = buildInvoke(ciface);
    LLVM::GlobalOp description = buildDescription();

    // Runtime functions.
    auto create = declare("kiln_model_create", i32, {ptr, ptr, ptr});
    auto destroy = declare("kiln_model_destroy", voidType(), {ptr});
    auto createFromFile =
        declare("kiln_model_create_from_file", i32, {ptr, ptr, ptr, ptr});
    auto lastError = declare("kiln_last_error", ptr, {});
    auto predict =
        declare("kiln_model_predict", i32, {ptr, i64, ptr, ptr, ptr, ptr});

    // NAME_create(model **out)
    {
      auto fn = define(sig.name + "_create", i32, {ptr});
      Value desc = LLVM::AddressOfOp::create(b, loc, description);
      Value inv = LLVM::AddressOfOp::create(b, loc, invoke);
      Value r = LLVM::CallOp::create(
                    b, loc, create,
                    ValueRange{desc, inv, fn.getArgument(0)})
                    .getResult();
      LLVM::ReturnOp::create(b, loc, r);
    }
    // const char *NAME_description(void): for generic tools (kiln run,
    // the e2e tests); the format is documented in runtime/src/model.c.
    {
      define(sig.name + "_description", ptr, {});
      Value desc = LLVM::AddressOfOp::create(b, loc, description);
      LLVM::ReturnOp::create(b, loc, desc);
    }
    // NAME_create_from_file(const char *weights, model **out)
    {
      auto fn = define(sig.name + "_create_from_file", i32, {ptr, ptr});
      Value desc = LLVM::AddressOfOp::create(b, loc, description);
      Value inv = LLVM::AddressOfOp::create(b, loc, invoke);
      Value r = LLVM::CallOp::create(
                    b, loc, createFromFile,
                    ValueRange{desc, inv, fn.getArgument(0), fn.getArgument(1)})
                    .getResult();
      LLVM::ReturnOp::create(b, loc, r);
    }
    // NAME_destroy(model *)
    {
      auto fn = define(sig.name + "_destroy", voidType(), {ptr});
      LLVM::CallOp::create(b, loc, destroy, ValueRange{fn.getArgument(0)});
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    }
    // const char *NAME_last_error(void)
    {
      define(sig.name + "_last_error", ptr, {});
      Value r = LLVM::CallOp::create(b, loc, lastError, ValueRange{}).getResult();
      LLVM::ReturnOp::create(b, loc, r);
    }
    // NAME_predict_arrays(model *, batch, inputs[], input_counts[],
    // outputs[], output_counts[]): the same call with arrays, for generic
    // callers (kiln run, bindings).
    {
      auto fn = define(sig.name + "_predict_arrays", i32,
                       {ptr, i64, ptr, ptr, ptr, ptr});
      Value r = LLVM::CallOp::create(b, loc, predict, fn.getArguments())
                    .getResult();
      LLVM::ReturnOp::create(b, loc, r);
    }
    // NAME_predict(model *, int64_t batch, in0, n0, ..., out0, m0, ...)
    {
      SmallVector<Type> params = {ptr, i64};
      size_t tensors = sig.inputs.size() + sig.outputs.size();
      for (size_t i = 0; i < tensors; ++i)
        params.append({ptr, i64});
      auto fn = define(sig.name + "_predict", i32, params);
      auto packInto = [&](size_t count, size_t firstArg, bool pointers) {
        Value n = LLVM::ConstantOp::create(b, loc, i64,
                                           std::max<size_t>(count, 1));
        Value array = LLVM::AllocaOp::create(b, loc, ptr, pointers ? ptr : i64, n);
        for (size_t i = 0; i < count; ++i) {
          Value slot = LLVM::GEPOp::create(b, loc, ptr, pointers ? ptr : i64,
                                           array,
                                           ArrayRef<LLVM::GEPArg>{(int32_t)i});
          Value v = fn.getArgument(firstArg + 2 * i + (pointers ? 0 : 1));
          LLVM::StoreOp::create(b, loc, v, slot);
        }
        return array;
      };
      size_t nIn = sig.inputs.size(), nOut = sig.outputs.size();
      Value ins = packInto(nIn, 2, true), inCounts = packInto(nIn, 2, false);
      Value outs = packInto(nOut, 2 + 2 * nIn, true),
            outCounts = packInto(nOut, 2 + 2 * nIn, false);
      Value r = LLVM::CallOp::create(
                    b, loc, predict,
                    ValueRange{fn.getArgument(0), fn.getArgument(1), ins,
                               inCounts, outs, outCounts})
                    .getResult();
      LLVM::ReturnOp::create(b, loc, r);
    }
    return success();
  }

private:
  Type voidType() { return LLVM::LLVMVoidType::get(b.getContext()); }

  LLVM::LLVMFuncOp declare(StringRef name, Type result, ArrayRef<Type> params) {
    if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      return existing;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    return LLVM::LLVMFuncOp::create(
        b, loc, name, LLVM::LLVMFunctionType::get(result, params));
  }

  /// A new exported function with its entry block as insertion point.
  LLVM::LLVMFuncOp define(const std::string &name, Type result,
                          ArrayRef<Type> params) {
    b.setInsertionPointToEnd(module.getBody());
    auto fn = LLVM::LLVMFuncOp::create(
        b, loc, name, LLVM::LLVMFunctionType::get(result, params));
    b.setInsertionPointToStart(fn.addEntryBlock(b));
    return fn;
  }

  /// NAME__invoke(void **args): args[0] = results, args[1 + i] = input i.
  LLVM::LLVMFuncOp buildInvoke(LLVM::LLVMFuncOp ciface) {
    auto fn = define(sig.name + "__invoke", voidType(), {ptr});
    SmallVector<Value> args;
    for (unsigned i = 0; i < ciface.getNumArguments(); ++i) {
      Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, fn.getArgument(0),
                                       ArrayRef<LLVM::GEPArg>{(int32_t)i});
      args.push_back(LLVM::LoadOp::create(b, loc, ptr, slot));
    }
    LLVM::CallOp::create(b, loc, ciface, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    fn.setLinkage(LLVM::Linkage::Internal);
    return fn;
  }

  LLVM::GlobalOp buildDescription() {
    std::string text = sig.description();
    text.push_back('\0');
    b.setInsertionPointToEnd(module.getBody());
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    return LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                  LLVM::Linkage::Internal,
                                  sig.name + "__description",
                                  b.getStringAttr(text));
  }

  ModuleOp module;
  const ModelSignature &sig;
  OpBuilder b;
  Location loc;
  Type ptr, i32, i64;
};

} // namespace

LogicalResult emitModelWrapper(ModuleOp module, const ModelSignature &sig) {
  return WrapperBuilder(module, sig).build();
}

std::string emitModelHeader(const ModelSignature &sig) {
  std::string s;
  llvm::raw_string_ostream os(s);
  std::string upper = llvm::StringRef(sig.name).upper();
  std::string n = sig.name;
  os << "/* " << n << ".h - generated by kiln; do not edit.\n *\n"
     << " * The C API of the model '" << n << "'. Link lib" << n
     << ".so; it depends only on libc and libm.\n"
     << " * Every function that can fail returns a kiln_status_t and, on "
        "failure,\n * leaves a message for " << n << "_last_error() in the "
     << "calling thread.\n"
     << " * Inference on one model instance is thread-safe.\n */\n\n"
     << "#ifndef KILN_MODEL_" << upper << "_H\n#define KILN_MODEL_" << upper
     << "_H\n\n#include <stddef.h>\n#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#ifndef KILN_STATUS_DEFINED\n#define KILN_STATUS_DEFINED\n"
     << "typedef enum kiln_status_t {\n  KILN_OK = 0,\n"
     << "  KILN_INVALID_ARGUMENT = 1,\n  KILN_OUT_OF_MEMORY = 2,\n"
     << "  KILN_INTERNAL = 3,\n  KILN_IO_ERROR = 4,\n} kiln_status_t;\n"
     << "#endif\n\n"
     << "/** An instance of the model. */\ntypedef struct " << n << "_model "
     << n << "_model;\n\n";

  auto tensorDoc = [&](const char *kind, size_t i, const TensorSignature &t) {
    std::string tu = llvm::StringRef(t.name).upper();
    std::string prefix = upper + "_" + kind + "_" + tu;
    int64_t perExample = 1;
    bool batched = false;
    os << "/* " << kind << " " << i << " '" << t.name << "': " << t.dtype
       << " [";
    for (auto [j, d] : llvm::enumerate(t.dims)) {
      os << (j ? ", " : "");
      if (d < 0) {
        os << "batch";
        batched = true;
      } else {
        os << d;
        perExample *= d;
      }
    }
    os << "], C type " << t.cType << " */\n";
    os << "#define " << prefix << "_RANK " << t.dims.size() << "\n";
    os << "#define " << prefix << "_ELEMENTS_PER_EXAMPLE " << perExample
       << "\n";
    os << "#define " << prefix << "_ELEMENTS(batch) ((size_t)"
       << (batched ? "(batch) * " : "") << perExample << ")\n";
  };
  for (auto [i, t] : llvm::enumerate(sig.inputs))
    tensorDoc("INPUT", i, t);
  for (auto [i, t] : llvm::enumerate(sig.outputs))
    tensorDoc("OUTPUT", i, t);

  bool external = !sig.params.empty();
  os << "\n#define " << upper << "_EXTERNAL_WEIGHTS " << (external ? 1 : 0)
     << "\n\n";
  if (external) {
    os << "/* The weights are external: create instances with "
       << n << "_create_from_file\n * and the " << n
       << ".safetensors file written next to the library\n * (or any file "
          "with the same tensor names, dtypes and shapes): */\n";
    for (const TensorSignature &t : sig.params) {
      os << "/*   " << t.name << ": " << t.dtype << " [";
      llvm::interleaveComma(t.dims, os);
      os << "] */\n";
    }
    os << "\n";
  }
  os << "/** Creates an instance of the model"
     << (external ? "; fails: this model's weights are external.\n */\n"
                  : " (weights are embedded). */\n")
     << "kiln_status_t " << n << "_create(" << n << "_model **out_model);\n\n"
     << "/** Creates an instance with the weights of a .safetensors file"
     << (external ? "" : "; fails: this model's weights are embedded")
     << ". */\n"
     << "kiln_status_t " << n << "_create_from_file(const char *weights_path, "
     << n << "_model **out_model);\n\n"
     << "/** Destroys an instance; NULL is ignored. */\n"
     << "void " << n << "_destroy(" << n << "_model *model);\n\n"
     << "/** Runs the model on `batch` examples. Each `*_count` is the number "
        "of\n * elements in the buffer and must equal the matching "
        "*_ELEMENTS(batch). */\n"
     << "kiln_status_t " << n << "_predict(" << n
     << "_model *model, int64_t batch";
  for (const TensorSignature &t : sig.inputs)
    os << ",\n    const " << t.cType << " *" << t.name << ", size_t "
       << t.name << "_count";
  for (const TensorSignature &t : sig.outputs)
    os << ",\n    " << t.cType << " *" << t.name << ", size_t " << t.name
       << "_count";
  os << ");\n\n"
     << "/** As " << n << "_predict, with the buffers and counts in arrays "
        "(inputs, then\n * outputs, in declaration order). */\n"
     << "kiln_status_t " << n << "_predict_arrays(" << n
     << "_model *model, int64_t batch,\n    const void *const *inputs, "
        "const size_t *input_counts,\n    void *const *outputs, const size_t "
        "*output_counts);\n\n"
     << "/** The model's inputs and outputs as text (see the Kiln runtime). */\n"
     << "const char *" << n << "_description(void);\n\n"
     << "/** The message of the last failed call in this thread. */\n"
     << "const char *" << n << "_last_error(void);\n\n"
     << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* KILN_MODEL_" << upper
     << "_H */\n";
  return s;
}

} // namespace kiln
