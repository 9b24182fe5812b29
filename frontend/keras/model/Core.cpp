//===- Core.cpp - tensors, layers, initializers, graphs -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The graph side of the Keras API: layer calls create Nodes; models order
// them topologically; initializers fill weights reproducibly from a seed.
//
//===----------------------------------------------------------------------===//

#include "kiln/keras/Core.h"
#include "kiln/keras/Layers.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

namespace kiln {

const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::Float32: return "float32";
  case DType::Float64: return "float64";
  case DType::Float16: return "float16";
  case DType::BFloat16: return "bfloat16";
  case DType::Int32: return "int32";
  case DType::Int64: return "int64";
  case DType::Bool: return "bool";
  }
  return "?";
}

std::string formatShape(const Shape &shape) {
  std::ostringstream os;
  os << '(';
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      os << ", ";
    if (shape[i] < 0)
      os << "None";
    else
      os << shape[i];
  }
  if (shape.size() == 1)
    os << ',';
  os << ')';
  return os.str();
}

const Shape &Tensor::shape() const {
  static const Shape empty;
  return node_ ? node_->outputShapes[index_] : empty;
}

DType Tensor::dtype() const {
  return node_ ? node_->outputDtypes[index_] : DType::Float32;
}

int64_t Weight::size() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

//===----------------------------------------------------------------------===//
// Names and seeds
//===----------------------------------------------------------------------===//

namespace {
std::mutex &stateMutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, int> &nameCounters() {
  static std::map<std::string, int> counters;
  return counters;
}
uint64_t &globalSeed() {
  static uint64_t seed = 0;
  return seed;
}

} // namespace

std::string toSnakeCase(const std::string &name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool upper = c >= 'A' && c <= 'Z';
    if (upper && i > 0) {
      char prev = name[i - 1];
      bool prevLower = (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9');
      bool nextLower = i + 1 < name.size() && name[i + 1] >= 'a' && name[i + 1] <= 'z';
      if (prevLower || (nextLower && prev >= 'A' && prev <= 'Z'))
        out.push_back('_');
    }
    out.push_back(upper ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::string uniqueLayerName(const std::string &className) {
  std::string base = toSnakeCase(className);
  std::lock_guard<std::mutex> lock(stateMutex());
  int n = nameCounters()[base]++;
  return n == 0 ? base : base + "_" + std::to_string(n);
}

void Layer::setGlobalSeed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(stateMutex());
  globalSeed() = seed;
}

//===----------------------------------------------------------------------===//
// Initializers
//===----------------------------------------------------------------------===//

namespace {

struct Fans {
  double in, out;
};

/// Keras `compute_fans`.
Fans computeFans(const Shape &shape) {
  if (shape.empty())
    return {1, 1};
  if (shape.size() == 1)
    return {double(shape[0]), double(shape[0])};
  if (shape.size() == 2)
    return {double(shape[0]), double(shape[1])};
  double receptive = 1;
  for (size_t i = 0; i + 2 < shape.size(); ++i)
    receptive *= double(shape[i]);
  return {shape[shape.size() - 2] * receptive, shape.back() * receptive};
}

void fillWeight(Weight &w, const Initializer &init, std::mt19937_64 &rng,
                const Layer &layer) {
  int64_t n = w.size();
  w.values.assign(n, 0.0);
  const std::string &kind = init.name;
  Fans fans = computeFans(w.shape);
  auto uniform = [&](double limit) {
    std::uniform_real_distribution<double> dist(-limit, limit);
    for (double &v : w.values)
      v = dist(rng);
  };
  auto truncated = [&](double mean, double stddev) {
    std::normal_distribution<double> dist(0.0, 1.0);
    for (double &v : w.values) {
      double z;
      do
        z = dist(rng);
      while (std::abs(z) > 2.0);
      v = mean + stddev * z;
    }
  };
  auto normal = [&](double mean, double stddev) {
    std::normal_distribution<double> dist(mean, stddev);
    for (double &v : w.values)
      v = dist(rng);
  };
  // Variance scaling: scale / n, n from the mode; truncated normal stddev
  // corrected as Keras does.
  auto varianceScaling = [&](double scale, double fan, bool isUniform) {
    double variance = scale / std::max(1.0, fan);
    if (isUniform)
      uniform(std::sqrt(3.0 * variance));
    else
      truncated(0.0, std::sqrt(variance) / 0.87962566103423978);
  };
  if (kind == "zeros") {
  } else if (kind == "ones") {
    std::fill(w.values.begin(), w.values.end(), 1.0);
  } else if (kind == "constant") {
    std::fill(w.values.begin(), w.values.end(), init.value);
  } else if (kind == "glorot_uniform") {
    varianceScaling(1.0, (fans.in + fans.out) / 2, true);
  } else if (kind == "glorot_normal") {
    varianceScaling(1.0, (fans.in + fans.out) / 2, false);
  } else if (kind == "he_uniform") {
    varianceScaling(2.0, fans.in, true);
  } else if (kind == "he_normal") {
    varianceScaling(2.0, fans.in, false);
  } else if (kind == "lecun_uniform") {
    varianceScaling(1.0, fans.in, true);
  } else if (kind == "lecun_normal") {
    varianceScaling(1.0, fans.in, false);
  } else if (kind == "random_normal") {
    normal(0.0, init.scale);
  } else if (kind == "random_uniform") {
    uniform(init.scale);
  } else if (kind == "truncated_normal") {
    truncated(0.0, init.scale);
  } else if (kind == "orthogonal") {
    // Rows x cols flattening as Keras: (prod(shape[:-1]), shape[-1]); an
    // orthonormal basis by Gram-Schmidt on a normal matrix.
    int64_t cols = w.shape.empty() ? 1 : w.shape.back();
    int64_t rows = cols ? n / cols : 0;
    bool transpose = rows < cols;
    int64_t r = transpose ? cols : rows, c = transpose ? rows : cols;
    std::vector<double> q(r * c);
    std::normal_distribution<double> dist(0.0, 1.0);
    for (double &v : q)
      v = dist(rng);
    for (int64_t j = 0; j < c; ++j) {
      for (int64_t k = 0; k < j; ++k) {
        double dot = 0;
        for (int64_t i = 0; i < r; ++i)
          dot += q[i * c + j] * q[i * c + k];
        for (int64_t i = 0; i < r; ++i)
          q[i * c + j] -= dot * q[i * c + k];
      }
      double norm = 0;
      for (int64_t i = 0; i < r; ++i)
        norm += q[i * c + j] * q[i * c + j];
      norm = std::sqrt(std::max(norm, 1e-300));
      for (int64_t i = 0; i < r; ++i)
        q[i * c + j] /= norm;
    }
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        w.values[i * cols + j] =
            init.gain * (transpose ? q[j * c + i] : q[i * c + j]);
  } else {
    layer.fail("unknown initializer '" + kind + "'");
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Layer
//===----------------------------------------------------------------------===//

Layer::Layer(std::string className, std::string name)
    : className_(std::move(className)),
      name_(name.empty() ? uniqueLayerName(className_) : std::move(name)) {}

Layer::~Layer() = default;

void Layer::fail(const std::string &message) const {
  throw Error("layer '" + name_ + "' (" + className_ + "): " + message);
}

Weight &Layer::addWeight(const std::string &name, const Shape &shape,
                         const Initializer &init, bool trainable) {
  for (int64_t d : shape)
    if (d < 0)
      fail("weight '" + name + "' needs a known shape, got " +
           formatShape(shape) + " (is an input dimension unknown?)");
  Weight w;
  w.name = name;
  w.shape = shape;
  w.trainable = trainable;
  // The stream depends on the global seed, the layer's name and the weight
  // name, so models are reproducible and independent of creation order.
  uint64_t seed;
  {
    std::lock_guard<std::mutex> lock(stateMutex());
    seed = globalSeed();
  }
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(std::hash<std::string>{}(name_)),
                    static_cast<uint32_t>(std::hash<std::string>{}(name))};
  std::mt19937_64 rng(seq);
  fillWeight(w, init, rng, *this);
  weights_.push_back(std::move(w));
  return weights_.back();
}

int64_t Layer::countParams() const {
  int64_t n = 0;
  for (const Weight &w : weights_)
    n += w.size();
  return n;
}

int64_t Layer::countTrainableParams() const {
  int64_t n = 0;
  for (const Weight &w : weights_)
    if (w.trainable && trainable_)
      n += w.size();
  return n;
}

void Layer::setWeights(const std::vector<std::vector<double>> &values) {
  if (values.size() != weights_.size())
    fail("expected " + std::to_string(weights_.size()) + " weight arrays, got " +
         std::to_string(values.size()));
  for (size_t i = 0; i < values.size(); ++i) {
    if (static_cast<int64_t>(values[i].size()) != weights_[i].size())
      fail("weight '" + weights_[i].name + "' of shape " +
           formatShape(weights_[i].shape) + " needs " +
           std::to_string(weights_[i].size()) + " values, got " +
           std::to_string(values[i].size()));
  }
  for (size_t i = 0; i < values.size(); ++i)
    weights_[i].values = values[i];
}

std::vector<DType> Layer::computeOutputDtypes(const std::vector<DType> &in) {
  return {in.empty() ? DType::Float32 : in.front()};
}

Tensor Layer::operator()(const Tensor &input) {
  return (*this)(std::vector<Tensor>{input});
}

Tensor Layer::operator()(const std::vector<Tensor> &inputs) {
  std::vector<Tensor> outs = callOutputs(inputs);
  if (outs.size() != 1)
    fail("returns " + std::to_string(outs.size()) +
         " outputs; use callOutputs to get them all");
  return outs.front();
}

std::vector<Tensor> Layer::callOutputs(const std::vector<Tensor> &inputs) {
  for (const Tensor &t : inputs)
    if (!t)
      fail("called on an empty tensor");
  if (numInputs() == 1 && inputs.size() != 1)
    fail("expects one input, got " + std::to_string(inputs.size()));
  if (numInputs() == -1 && inputs.empty())
    fail("expects a list of inputs, got none");
  std::vector<Shape> shapes;
  std::vector<DType> dtypes;
  for (const Tensor &t : inputs) {
    shapes.push_back(t.shape());
    dtypes.push_back(t.dtype());
  }
  if (!built_) {
    build(shapes);
    built_ = true;
  }
  auto node = std::make_shared<Node>();
  node->layer = shared_from_this();
  node->inputs = inputs;
  node->outputShapes = computeOutputShapes(shapes);
  node->outputDtypes = computeOutputDtypes(dtypes);
  node->outputDtypes.resize(node->outputShapes.size(),
                            node->outputDtypes.empty() ? DType::Float32
                                                       : node->outputDtypes[0]);
  node->self = node;
  nodes_.push_back(node);
  std::vector<Tensor> outs;
  for (size_t i = 0; i < node->outputShapes.size(); ++i)
    outs.push_back(node->output(static_cast<int>(i)));
  return outs;
}

//===----------------------------------------------------------------------===//
// Input
//===----------------------------------------------------------------------===//

Tensor Input(const Shape &shape, DType dtype, const std::string &name) {
  for (int64_t d : shape)
    if (d < -1)
      throw Error("Input: invalid dimension " + std::to_string(d) + " in " +
                  formatShape(shape));
  auto layer = std::make_shared<layers::InputLayer>(shape, dtype, name);
  auto node = std::make_shared<Node>();
  node->layer = layer;
  Shape full = {-1};
  full.insert(full.end(), shape.begin(), shape.end());
  node->outputShapes = {full};
  node->outputDtypes = {dtype};
  node->self = node;
  layer->nodes_.push_back(node);
  return node->output(0);
}

//===----------------------------------------------------------------------===//
// Model
//===----------------------------------------------------------------------===//

Model::Model(std::string className, std::string name)
    : Layer(std::move(className), name.empty() ? uniqueLayerName("Model") : name) {}

Model::Model(std::vector<Tensor> inputs, std::vector<Tensor> outputs,
             std::string name)
    : Layer("Functional", name.empty() ? uniqueLayerName("Functional") : name) {
  setGraph(std::move(inputs), std::move(outputs));
}

void Model::setGraph(std::vector<Tensor> inputs, std::vector<Tensor> outputs) {
  if (inputs.empty())
    fail("a model needs at least one input");
  if (outputs.empty())
    fail("a model needs at least one output");
  std::set<Node *> inputNodes;
  for (const Tensor &t : inputs) {
    if (!t || !dynamic_cast<layers::InputLayer *>(t.node()->layer.get()))
      fail("model inputs must come from Input(...)");
    inputNodes.insert(t.node());
  }
  // Depth-first from the outputs; every leaf must be a declared input.
  std::vector<std::shared_ptr<Node>> order;
  std::set<Node *> done, active;
  std::function<void(const std::shared_ptr<Node> &)> visit =
      [&](const std::shared_ptr<Node> &node) {
        if (done.count(node.get()))
          return;
        if (!active.insert(node.get()).second)
          fail("the layer graph has a cycle at '" + node->layer->name() + "'");
        if (node->inputs.empty() && !inputNodes.count(node.get()))
          fail("an output depends on input '" + node->layer->name() +
               "', which is not among the model's inputs");
        for (const Tensor &in : node->inputs)
          visit(in.node_);
        active.erase(node.get());
        done.insert(node.get());
        order.push_back(node);
      };
  for (const Tensor &t : outputs) {
    if (!t)
      fail("a model output is an empty tensor");
    visit(t.node_);
  }
  for (const Tensor &t : inputs)
    if (!done.count(t.node())) {
      // An unused input is legal in Keras; keep it first.
      order.insert(order.begin(), t.node_);
      done.insert(t.node());
    }
  inputs_ = std::move(inputs);
  outputs_ = std::move(outputs);
  order_ = std::move(order);
  // Inputs first, in declaration order, as Keras lists them.
  std::vector<std::shared_ptr<Node>> sorted;
  for (const Tensor &t : inputs_)
    sorted.push_back(t.node_);
  for (const auto &n : order_)
    if (!inputNodes.count(n.get()))
      sorted.push_back(n);
  order_ = std::move(sorted);
}

std::vector<std::shared_ptr<Layer>> Model::layers() const {
  std::vector<std::shared_ptr<Layer>> out;
  std::set<Layer *> seen;
  for (const auto &node : order_)
    if (seen.insert(node->layer.get()).second)
      out.push_back(node->layer);
  return out;
}

int64_t Model::countParams() const {
  int64_t n = 0;
  for (const auto &l : layers())
    n += l->countParams();
  return n;
}

int64_t Model::countTrainableParams() const {
  int64_t n = 0;
  if (!trainable())
    return 0;
  for (const auto &l : layers())
    n += l->countTrainableParams();
  return n;
}

std::shared_ptr<Layer> Model::getLayer(const std::string &name) const {
  for (const auto &l : layers())
    if (l->name() == name)
      return l;
  throw Error("model '" + this->name() + "' has no layer '" + name + "'");
}

std::vector<Shape>
Model::computeOutputShapes(const std::vector<Shape> &inputShapes) {
  if (inputShapes.size() != inputs_.size())
    fail("expects " + std::to_string(inputs_.size()) + " inputs, got " +
         std::to_string(inputShapes.size()));
  for (size_t i = 0; i < inputShapes.size(); ++i) {
    const Shape &want = inputs_[i].shape(), &got = inputShapes[i];
    bool ok = want.size() == got.size();
    for (size_t d = 0; ok && d < want.size(); ++d)
      ok = want[d] < 0 || got[d] < 0 || want[d] == got[d];
    if (!ok)
      fail("input " + std::to_string(i) + " has shape " + formatShape(got) +
           ", expected " + formatShape(want));
  }
  std::vector<Shape> out;
  for (const Tensor &t : outputs_)
    out.push_back(t.shape());
  return out;
}

std::vector<DType> Model::computeOutputDtypes(const std::vector<DType> &) {
  std::vector<DType> out;
  for (const Tensor &t : outputs_)
    out.push_back(t.dtype());
  return out;
}

//===----------------------------------------------------------------------===//
// Sequential
//===----------------------------------------------------------------------===//

Sequential::Sequential(std::vector<SequentialItem> items, std::string name)
    : Model("Sequential", name.empty() ? uniqueLayerName("Sequential") : name) {
  if (items.empty() || !items.front().input)
    fail("the first element must be Input(shape) so that the model has an "
         "input shape");
  Tensor input = items.front().input;
  Tensor x = input;
  for (size_t i = 1; i < items.size(); ++i) {
    if (!items[i].layer)
      fail("element " + std::to_string(i) + " is not a layer (only the "
           "first element may be an Input)");
    x = (*items[i].layer)(x);
  }
  setGraph({input}, {x});
}

void Sequential::add(std::shared_ptr<Layer> layer) {
  if (!layer)
    fail("add: null layer");
  Tensor x = (*layer)(outputs().front());
  setGraph(inputs(), {x});
}

} // namespace kiln
