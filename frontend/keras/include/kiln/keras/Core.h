//===- kiln/keras/Core.h - tensors, layers and models -----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The Keras-like C++ API: symbolic tensors, the Layer base class, and the
// Model (Sequential and functional). Building a model records a graph of
// layer calls; `Model::buildModule` turns it into kiln IR, one op group per
// layer with the layer's name as location.
//
// Errors in model construction (a shape mismatch, a bad argument) throw
// kiln::Error with a message naming the layer, as Keras raises
// ValueError. The library is compiled with exceptions for this; they never
// cross MLIR code (see docs/keras.md).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_KERAS_CORE_H
#define KILN_KERAS_CORE_H

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dialects/kiln/Transforms/Passes.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"

namespace mlir {
class MLIRContext;
class ModuleOp;
class OpBuilder;
template <typename T> class OwningOpRef;
} // namespace mlir

namespace kiln {

/// The error thrown by the Keras API on bad input.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Element types of Keras tensors.
enum class DType { Float32, Float64, Float16, BFloat16, Int32, Int64, Bool };

const char *dtypeName(DType dtype); ///< "float32", "int64", ...

/// A shape; -1 marks an unknown size (the batch, Keras's `None`).
using Shape = std::vector<int64_t>;

std::string formatShape(const Shape &shape); ///< "(None, 28, 28, 1)"

class Layer;
struct Node;

/// A symbolic tensor: an output of a layer call (or a model input). Cheap to
/// copy; compares equal when it refers to the same output.
class Tensor {
public:
  Tensor() = default;
  const Shape &shape() const;
  DType dtype() const;
  int64_t rank() const { return static_cast<int64_t>(shape().size()); }
  /// The layer call that produced this tensor and which of its outputs.
  Node *node() const { return node_.get(); }
  int index() const { return index_; }
  explicit operator bool() const { return node_ != nullptr; }
  bool operator==(const Tensor &o) const {
    return node_ == o.node_ && index_ == o.index_;
  }

private:
  friend class Layer;
  friend class Model;
  friend struct Node;
  Tensor(std::shared_ptr<Node> node, int index)
      : node_(std::move(node)), index_(index) {}
  std::shared_ptr<Node> node_;
  int index_ = 0;
};

/// One call of a layer: its inputs and outputs.
struct Node {
  std::shared_ptr<Layer> layer;
  std::vector<Tensor> inputs;
  std::vector<Shape> outputShapes;
  std::vector<DType> outputDtypes;
  std::weak_ptr<Node> self;
  Tensor output(int i) const { return Tensor(self.lock(), i); }
};

/// How weights are initialized (Keras names): "glorot_uniform",
/// "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
/// "lecun_normal", "orthogonal", "zeros", "ones", "constant" (with value),
/// "random_normal", "random_uniform", "truncated_normal".
struct Initializer {
  std::string name = "glorot_uniform";
  double value = 0.0;  ///< constant
  double scale = 0.05; ///< stddev / range for the random_* kinds
  double gain = 1.0;   ///< orthogonal
  Initializer() = default;
  Initializer(const char *n) : name(n) {}
  Initializer(std::string n) : name(std::move(n)) {}
  static Initializer constant(double v) {
    Initializer i("constant");
    i.value = v;
    return i;
  }
};

/// A weight of a layer, with its values (float32 or float64 storage).
struct Weight {
  std::string name; ///< "kernel", "bias", "moving_mean", ...
  Shape shape;
  DType dtype = DType::Float32;
  bool trainable = true;
  std::vector<double> values; ///< row-major, the exact stored values

  int64_t size() const;
};

/// What a layer gets when it emits IR.
class CallContext {
public:
  /// Emits `layer` (a sub-layer of a nested model) with this context.
  virtual std::vector<mlir::Value>
  callLayer(Layer &layer, const std::vector<mlir::Value> &inputs) = 0;
  virtual ~CallContext() = default;
  virtual mlir::OpBuilder &builder() = 0;
  virtual mlir::Location loc() = 0;
  /// The i-th weight of the layer being called, as a kiln.constant (or a
  /// function argument when weights are parameters).
  virtual mlir::Value weight(int i) = 0;
  /// Whether the model runs in training mode (dropout active, batch norm
  /// with batch statistics).
  virtual bool training() const = 0;
  /// Gives the i-th weight of the layer being called a new value after a
  /// training step (BatchNormalization's moving averages). Ignored where
  /// weights are constants.
  virtual void updateWeight(int i, mlir::Value value) {
    (void)i;
    (void)value;
  }
};

/// The base class of every layer. A custom layer overrides `build` (create
/// weights with addWeight) , `computeOutputShapes`, and `call` (emit kiln
/// ops); it is then usable like any built-in layer.
class Layer : public std::enable_shared_from_this<Layer> {
public:
  Layer(std::string className, std::string name);
  virtual ~Layer();

  const std::string &name() const { return name_; }
  const std::string &className() const { return className_; }
  bool trainable() const { return trainable_; }
  void setTrainable(bool t) { trainable_ = t; }

  /// Calls the layer on symbolic tensors (builds it on the first call).
  /// A list input is for layers that take several tensors (merges, models
  /// with several inputs); the result is the single output.
  Tensor operator()(const Tensor &input);
  Tensor operator()(const std::vector<Tensor> &inputs);
  /// As operator(), returning every output (multi-output layers, models).
  std::vector<Tensor> callOutputs(const std::vector<Tensor> &inputs);

  /// Creates the weights for the given input shapes.
  virtual void build(const std::vector<Shape> &inputShapes) {}
  /// The output shapes for the given input shapes, validating them; throw
  /// kiln::Error (via `fail`) on a mismatch.
  virtual std::vector<Shape>
  computeOutputShapes(const std::vector<Shape> &inputShapes) = 0;
  /// The output dtypes; by default the first input's.
  virtual std::vector<DType>
  computeOutputDtypes(const std::vector<DType> &inputDtypes);
  /// Emits the layer's computation.
  virtual std::vector<mlir::Value> call(CallContext &ctx,
                                        const std::vector<mlir::Value> &inputs) = 0;
  /// The number of inputs the layer takes: 1, or -1 for a list (merges).
  virtual int numInputs() const { return 1; }

  bool built() const { return built_; }
  std::vector<Weight> &weights() { return weights_; }
  const std::vector<Weight> &weights() const { return weights_; }
  /// Parameter counts (a model sums its layers').
  virtual int64_t countParams() const;
  virtual int64_t countTrainableParams() const;

  /// Replaces the weights' values (Keras `set_weights`), checking shapes.
  void setWeights(const std::vector<std::vector<double>> &values);

  /// The seed for this layer's initializers (deterministic per name).
  static void setGlobalSeed(uint64_t seed);

  /// Throws kiln::Error("layer 'NAME': message").
  [[noreturn]] void fail(const std::string &message) const;

protected:
  /// Adds a weight, initialized now with `init` (fan-in/fan-out from the
  /// shape as Keras computes them).
  Weight &addWeight(const std::string &name, const Shape &shape,
                    const Initializer &init, bool trainable = true);

private:
  std::string className_, name_;
  bool trainable_ = true;
  bool built_ = false;
  std::vector<Weight> weights_;
  std::vector<std::shared_ptr<Node>> nodes_; // calls of this layer
  friend class Model;
  friend Tensor Input(const Shape &, DType, const std::string &);
};

/// A Keras input: `Input({28, 28, 1})` is a batch of 28x28x1 images.
Tensor Input(const Shape &shape, DType dtype = DType::Float32,
             const std::string &name = "");

/// An optimizer for Model::compile, with Keras's defaults: the settings
/// are kiln-train-step's own options (`optimizer`, `learningRate`,
/// `momentum`, `clipNorm`, schedules, ...), so a setting the pass knows is
/// one the API knows.
struct Optimizer {
  /// Keras's default optimizer: RMSprop with learning rate 0.001.
  Optimizer() {
    settings.optimizer = "rmsprop";
    settings.learningRate = 0.001;
  }
  TrainStepPassOptions settings;
};
Optimizer SGD(double learningRate = 0.01, double momentum = 0.0,
              bool nesterov = false);
Optimizer Adam(double learningRate = 0.001);
Optimizer AdamW(double learningRate = 0.001, double weightDecay = 0.004);
Optimizer RMSprop(double learningRate = 0.001, double rho = 0.9);
Optimizer Adagrad(double learningRate = 0.001);

/// Model::fit's options, Keras's names. Callbacks monitor "val_loss" when
/// there is validation data, else "loss".
struct FitOptions {
  int epochs = 1;
  int64_t batch_size = 32;
  bool shuffle = true;
  uint64_t seed = 0;
  double validation_split = 0.0;
  int verbose = 1;
  int early_stopping_patience = 0; ///< 0: off (restores the best weights)
  int reduce_lr_patience = 0;      ///< 0: off
  std::string checkpoint_path;     ///< ModelCheckpoint; "" off
  std::string csv_log_path;        ///< CSVLogger; "" off
  bool terminate_on_nan = true;
  /// Keras's class_weight: class id -> weight of its examples' loss and
  /// metrics (classes not listed weigh 1).
  std::map<int, double> class_weight;
};

/// Per-epoch logs: "loss", metrics, "val_..." -> one value per epoch.
using History = std::map<std::string, std::vector<double>>;

class TrainingSession;

/// A model: a graph from inputs to outputs. Also a Layer, so models nest.
class Model : public Layer {
public:
  /// A functional model.
  Model(std::vector<Tensor> inputs, std::vector<Tensor> outputs,
        std::string name = "");
  Model(Tensor input, Tensor output, std::string name = "")
      : Model(std::vector<Tensor>{std::move(input)},
              std::vector<Tensor>{std::move(output)}, std::move(name)) {}

  const std::vector<Tensor> &inputs() const { return inputs_; }
  const std::vector<Tensor> &outputs() const { return outputs_; }
  /// Every layer call in topological order (inputs first).
  const std::vector<std::shared_ptr<Node>> &nodes() const { return order_; }
  /// Every distinct layer in call order, input layers included.
  std::vector<std::shared_ptr<Layer>> layers() const;
  std::shared_ptr<Layer> getLayer(const std::string &name) const;

  int64_t countParams() const override;
  int64_t countTrainableParams() const override;

  /// The Keras `model.summary()` table.
  std::string summary(int lineLength = 0) const;

  /// Builds the kiln IR: `func.func @NAME(inputs) -> outputs`, weights as
  /// constants. Never throws: the graph was validated when it was built.
  mlir::OwningOpRef<mlir::ModuleOp> buildModule(mlir::MLIRContext &ctx,
                                                bool training = false) const;

  /// The kiln IR for a trainable library: `NAME(inputs, weights...)` in
  /// inference mode and `NAME_training(...)` in training mode, every weight
  /// an argument (`kiln.trainable`, or `kiln.weight` when frozen) named
  /// "layer/weight" with its current values as `kiln.initial_value`.
  mlir::OwningOpRef<mlir::ModuleOp> buildTrainableModule(mlir::MLIRContext &ctx) const;

  struct ExportOptions {
    bool externalWeights = false; ///< weights in NAME.safetensors
  };
  /// Compiles the model into DIR/libNAME.so and DIR/NAME.h, exactly as
  /// `kiln compile` does. Throws kiln::Error with the compiler's
  /// diagnostics on failure. Defined in the KilnKerasExport library.
  void exportLibrary(const std::string &name, const std::string &dir,
                     ExportOptions options) const;
  void exportLibrary(const std::string &name, const std::string &dir) const {
    exportLibrary(name, dir, ExportOptions());
  }

  /// Keras's compile: the loss and metrics by Keras name ("from_logits"
  /// as a flag). Training compiles a trainable library on the first fit,
  /// evaluate or predict, and keeps it (with the optimizer state) until
  /// the next compile. Defined in KilnKerasExport.
  void compile(const Optimizer &optimizer, const std::string &loss,
               const std::vector<std::string> &metrics = {},
               bool fromLogits = false);
  /// Trains on `count` examples: `x` holds the single input's values
  /// (count x per-example elements), `y` the targets (class ids for the
  /// sparse losses). The trained weights are the layers' weights after.
  /// Throws kiln::Error with the runtime's message on bad data.
  History fit(const std::vector<float> &x, const std::vector<double> &y,
              const FitOptions &options = FitOptions());
  /// The loss and metrics over a dataset, by name.
  std::map<std::string, double> evaluate(const std::vector<float> &x,
                                         const std::vector<double> &y,
                                         int64_t batchSize = 32);
  /// The single output for the examples of `x`.
  std::vector<float> predict(const std::vector<float> &x,
                             int64_t batchSize = 32);

  // As a layer (nested models).
  std::vector<Shape>
  computeOutputShapes(const std::vector<Shape> &inputShapes) override;
  std::vector<DType>
  computeOutputDtypes(const std::vector<DType> &inputDtypes) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &inputs) override;
  int numInputs() const override {
    return inputs_.size() == 1 ? 1 : -1;
  }

protected:
  Model(std::string className, std::string name);
  void setGraph(std::vector<Tensor> inputs, std::vector<Tensor> outputs);

private:
  std::vector<Tensor> inputs_, outputs_;
  std::vector<std::shared_ptr<Node>> order_;
  std::shared_ptr<TrainingSession> session_;
  bool compiled_ = false;
  AddLossPassOptions loss_;        ///< from compile(): loss and metrics
  TrainStepPassOptions optimizer_; ///< from compile(): the optimizer
  TrainingSession &session();
};

/// A handle on a layer that calls like a Keras layer: `Dense(10)(x)`.
template <typename L> class LayerRef {
public:
  LayerRef(std::shared_ptr<L> layer) : layer_(std::move(layer)) {}
  Tensor operator()(const Tensor &x) const { return (*layer_)(x); }
  Tensor operator()(const std::vector<Tensor> &xs) const {
    return (*layer_)(xs);
  }
  std::vector<Tensor> callOutputs(const std::vector<Tensor> &xs) const {
    return layer_->callOutputs(xs);
  }
  L *operator->() const { return layer_.get(); }
  L &operator*() const { return *layer_; }
  const std::shared_ptr<L> &get() const { return layer_; }
  template <typename B> operator std::shared_ptr<B>() const { return layer_; }

private:
  std::shared_ptr<L> layer_;
};

/// An element of a Sequential: a layer, or an `Input` first.
struct SequentialItem {
  std::shared_ptr<Layer> layer;
  Tensor input;
  SequentialItem(Tensor t) : input(std::move(t)) {}
  template <typename L>
  SequentialItem(std::shared_ptr<L> l) : layer(std::move(l)) {}
  template <typename L> SequentialItem(const LayerRef<L> &l) : layer(l.get()) {}
};

/// A linear stack of layers, `Sequential({Input({64}), Dense(32, "relu"),
/// Dense(10)})`. Without a leading Input the model is built by the first
/// `add` after `setInputShape`.
class Sequential : public Model {
public:
  Sequential(std::vector<SequentialItem> items, std::string name = "");
  /// Appends a layer, calling it on the current output.
  void add(std::shared_ptr<Layer> layer);
  template <typename L> void add(const LayerRef<L> &l) { add(l.get()); }
};

/// A unique name for a new layer of `className` (`dense`, `dense_1`, ...).
std::string uniqueLayerName(const std::string &className);

/// Keras's to_snake_case: "SparseCategoricalCrossentropy" ->
/// "sparse_categorical_crossentropy", "AUC" -> "auc", "KLDivergence" ->
/// "kl_divergence".
std::string toSnakeCase(const std::string &name);

} // namespace kiln

#endif // KILN_KERAS_CORE_H
