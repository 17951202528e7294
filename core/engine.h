// SPDX-License-Identifier: MIT
#pragma once
// The engine facade: load a SymmFlow model and generate, segment, classify, invert
// and edit with it. This header is torch-free; the editor and the CLI talk to the
// model only through it.
//
// Conventions
// - Images and label maps passed in and returned are at the model's resolution
//   (ModelInfo::imageWidth x imageHeight). Label maps may also be given at the
//   model's label resolution (labelWidth x labelHeight; 1x1 for image-level models).
//   The imaging layer (core/imaging) maps photos of any size to and from it.
// - Errors never escape as exceptions: every call returns a Result/Status whose
//   message says what went wrong and what to do.
// - Thread-safety: an Engine may be used from any one thread at a time; calls on
//   one Engine are serialized internally. Copies share the loaded weights.
// - Every long call takes a CallControl: a per-step progress callback (called on
//   the calling thread) and a cancel flag checked before every network evaluation.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/model_info.h"
#include "core/result.h"
#include "core/types.h"

namespace symmflow {

enum class DeviceKind { Auto, Cpu, Cuda };

// Numeric type of the network's weights and activations. Half precision (fp16, bf16) is
// used on CUDA only: on the CPU the engine keeps fp32 and says so in lastWarning().
// Auto (the default): on CUDA, fp16 when a probe evaluation at load time agrees with fp32 to
// kAutoHalfTolerance (relative L2 error of the velocities), else fp32; fp32 on the CPU.
// Sampler states and the per-step arithmetic stay fp32 in every case.
enum class Precision { Fp32, Fp16, Bf16, Auto };
// fp16's error on the shipped models is 6e-4 to 9e-4, the size of fp32's own TF32 rounding
// on CUDA (5e-4 between two memory formats); bf16's is 4e-3 to 7e-3 (docs/PERFORMANCE.md).
inline constexpr double kAutoHalfTolerance = 3e-3;

const char* solverName(Solver s);
// Parses "euler" / "heun" (case-insensitive).
Result<Solver> parseSolver(const std::string& name);
Result<DeviceKind> parseDevice(const std::string& name);
// Parses "fp32" / "fp16" / "bf16" / "auto" (case-insensitive).
Result<Precision> parsePrecision(const std::string& name);
const char* precisionName(Precision p);

struct RunParams {
  int steps = 25;  // network evaluations per sample = steps (Euler) or ~2*steps (Heun)
  Solver solver = Solver::Euler;
  std::uint64_t seed = 0;  // same seed + same inputs -> same output
  int count = 1;           // variations (generate): batched, seeds seed, seed+1, ...;
                           // variation i matches a run with seed+i up to the rounding of
                           // batched kernels (a level or two on some CPUs)
};

// One batch item at a grid point of a running sampler, decoded (CallControl::previews).
struct StepPreview {
  RgbImage x;                         // x_t decoded to RGB
  LabelMap y;                         // argmax of y_t (label resolution)
  LabelMap yHat;                      // argmax of the one-step estimate y0 = y_t - t*v_y; empty
                                      // where t > 0 and nothing was evaluated
  std::vector<double> classCoverage;  // share of each class in yHat (empty with it)
  double meanConfidence = 0.0;        // mean max-softmax of the one-step estimate
  double vxNorm = 0.0;                // RMS of this item's image velocity at t (0 without one)
  double vyNorm = 0.0;                // RMS of this item's label velocity at t
};

// One grid point of a running sampler, reported through CallControl::progress: the start
// (step 0), every point in between, and the end (step == totalSteps), each with the
// velocity evaluated there, so x_t, y_t and the estimate of a report belong to the same t.
// A point is reported once the step that starts from it has been evaluated; the end
// comes right after the point before it. The integration evaluates nothing at the end; with
// previews, a run that ends on the clean image (generate, edit: t = 1) spends one more
// evaluation there, so the end's estimate is the one-step segmentation of the result. A run
// that ends at t = 0 (segment, invert) needs none: its estimate there is y itself.
struct StepReport {
  int step = 0;  // grid point shown: 0 = the start, totalSteps = the end
  int totalSteps = 0;
  int completed = 0;               // steps integrated when this was reported (for progress bars)
  double t = 0.0;                  // time of this point (0 = noise image/clean label, 1 = clean image)
  bool hasVelocity = false;        // a velocity was evaluated at this point (see above for the end)
  double vxNorm = 0.0;             // RMS of the batch's image velocity at t
  double vyNorm = 0.0;             // RMS of the batch's label velocity at t
  std::vector<StepPreview> items;  // one per batch item, only when CallControl::previews
};

struct CallControl {
  std::function<void(const StepReport&)> progress;  // may be empty
  const std::atomic<bool>* cancel = nullptr;        // set to true to stop at the next step
  bool previews = false;                            // decode every item's x_t/y_t for each StepReport
};

struct SegmentParams {
  int steps = 1;  // 1 = one step from the clean image
  Solver solver = Solver::Euler;
  std::uint64_t seed = 0;
  int draws = 4;        // one-step estimates averaged over this many noise draws (batched)
  bool mirror = false;  // also average each draw on the mirrored photo (twice the work)
  // For a model trained with horizontal flips (ModelInfo::trainedWithFlips), an even number of
  // draws without `mirror` is spent as half the draws on the photo and the same draws on its
  // mirror image: as many evaluations, and as good or better on every model measured
  // (docs/TRAINING.md §3; camvid one-step mIoU 0.598 against 0.583 with 4 draws).
  bool mirrorWhenFlipTrained = true;
};

struct SegmentResult {
  LabelMap labels;             // argmax, at the label resolution
  FloatPlanes probabilities;   // K planes, softmax of the averaged estimate
  std::vector<float> entropy;  // per pixel, normalised to [0,1] by log(K)
};

struct ClassifyResult {
  std::vector<float> probabilities;  // one per class
  int top = -1;
};

// The recorded inversion of a photo: its noise, its label map and the whole path.
class Inversion {
 public:
  Inversion();
  ~Inversion();
  Inversion(const Inversion&);
  Inversion& operator=(const Inversion&);
  bool valid() const;
  const RgbImage& image() const;   // the inverted photo (model resolution)
  const LabelMap& labels() const;  // the segmentation it found (label resolution)
  int steps() const;
  struct Data;
  explicit Inversion(std::shared_ptr<const Data> d);
  const Data* data() const { return m_d.get(); }

 private:
  std::shared_ptr<const Data> m_d;
};

struct EditParams {
  Solver solver = Solver::Euler;
  int dilate = 2;              // pixels of dilation of the changed region (model resolution)
  float feather = 3.0f;        // pixels over which the mask blends (model resolution)
  bool rerollChanged = false;  // fresh noise (from seed) inside the changed region
  std::uint64_t seed = 0;
};

class Engine {
 public:
  // Loads and validates a model file. device Auto picks CUDA when available.
  static Result<Engine> load(const std::string& path, DeviceKind device = DeviceKind::Auto,
                             Precision precision = Precision::Auto);

  Engine();
  ~Engine();
  Engine(const Engine&);
  Engine& operator=(const Engine&);
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  bool loaded() const;
  const ModelInfo& info() const;
  std::string deviceName() const;  // "cpu" or "cuda:0 (fp16)": the device and, on CUDA, the precision
  bool onCuda() const;
  // The precision in use now (fp32 on the CPU whatever was asked; never Auto).
  Precision precision() const;
  // With Precision::Auto on CUDA: the probe's relative error of fp16 against fp32 (-1 if no
  // probe ran).
  double halfPrecisionProbeError() const;
  // The network's weights and activations are channels-last (the faster memory format on the
  // CPU here and on the H100, docs/PERFORMANCE.md) rather than NCHW; SYMMFLOW_CHANNELS_LAST=0
  // or 1 decides.
  bool channelsLast() const;
  // Moves the weights to another device (e.g. the CPU after a CUDA failure).
  Status moveTo(DeviceKind device);
  // After a call that failed on CUDA and was retried on the CPU, a note saying so.
  std::string lastWarning() const;
  // CUDA graph replay of network evaluations (core/cuda_graph.h): on when this build has it
  // and the model runs on CUDA (SYMMFLOW_CUDA_GRAPHS=0 switches it off); graphs captured so
  // far, evaluations served by a replay, generations and segmentations run as one whole graph
  // (those without a progress callback), and why capture was switched off, if it was.
  struct GraphStats {
    bool active = false;
    int graphs = 0;
    long replays = 0;
    long wholeRuns = 0;
    std::string error;
  };
  GraphStats cudaGraphStats() const;

  // Label map -> images (count variations). For image-level models pass a 1x1 map.
  Result<std::vector<RgbImage>> generate(const LabelMap& labels, const RunParams& params,
                                         const CallControl& control = {}) const;
  // Photo -> label map with per-pixel probabilities and entropy.
  Result<SegmentResult> segment(const RgbImage& image, const SegmentParams& params,
                                const CallControl& control = {}) const;
  // Image -> class probabilities (image-level models, or the global share for dense ones).
  Result<ClassifyResult> classify(const RgbImage& image, const SegmentParams& params,
                                  const CallControl& control = {}) const;
  // Photo -> (noise, label map) recording the whole trajectory (steps steps).
  Result<Inversion> invert(const RgbImage& image, const RunParams& params, const CallControl& control = {}) const;
  // Regenerates the inverted photo with an edited label map; outside the changed
  // region (dilated, feathered) the recorded trajectory is reused, so those pixels
  // come back exactly.
  Result<RgbImage> edit(const Inversion& inversion, const LabelMap& edited, const EditParams& params,
                        const CallControl& control = {}) const;

  struct Impl;

 private:
  explicit Engine(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> m_impl;
};

// ---- Fault injection (tests) ------------------------------------------------------
// Makes the next `count` model runs (generate, segment, classify, invert, edit; not
// load) of any Engine in this process fail the way CUDA running out of memory does: a
// c10::OutOfMemoryError "CUDA out of memory. ..." is thrown inside the call and turned
// into the call's error by the same handler as a real one ("generation ran out of GPU
// memory; ..."). Nothing else changes: the weights stay where they are and the next
// run works. Process-wide, thread-safe; 0 disarms.
// SYMMFLOW_FAULT_INJECT=cuda_oom[:COUNT] (COUNT default 1) in the environment arms it
// for a whole program (studio, CLI); it is read once, at the first Engine::load.
void injectDeviceFaultsForTests(int count);
// Injected faults not yet consumed.
int pendingDeviceFaultsForTests();

// Version strings for About dialogs and --version.
std::string engineVersion();
// The mapping from seeds to noise (core/noise.h), e.g. "philox4x32-10+box-muller": with the
// model file, the inputs, the seed, steps and solver it fixes an output (provenance records it).
const char* noiseStream();
std::string torchVersion();
bool cudaAvailable();

}  // namespace symmflow
