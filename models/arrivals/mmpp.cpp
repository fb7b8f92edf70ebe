// Markov-modulated Poisson arrivals (MMPP): a hidden continuous-time Markov chain moves between
// states; in state i arrivals are Poisson at rates[i]. It captures traffic whose intensity
// switches between regimes (quiet / busy / flash crowd) with random sojourns, and gives
// autocorrelated, over-dispersed counts (Fischer & Meier-Hellstern, "The Markov-modulated Poisson
// process (MMPP) cookbook", Performance Evaluation 18, 1993).
//
//   rates          list of rates, required      arrival rate in each state
//   transitions    matrix of rates, required    transitions[i][j] = rate of jumping from state i
//                                               to state j (the generator's off-diagonal, per
//                                               second or any rate unit); the diagonal must be 0
//                                               (the time in state i is exponential with rate
//                                               Σ_j transitions[i][j]). Every state must be
//                                               reachable from every other (irreducible), so the
//                                               long-run mean rate Σ π_i rates[i] is defined,
//                                               and jump at most 10^6 times per arrival on
//                                               average (each jump is one simulation step).
//   initial_state  integer, default 0           the state at time 0 (counted from 0)
//
// Simulated exactly, with no discretisation: in state i the next event is exponential at
// rates[i] + Σ_j transitions[i][j], and it is an arrival or a jump in proportion to those rates.
//
//   arrivals:
//     type: mmpp
//     rates: [1/s, 50/s]                   # quiet, busy
//     transitions: [[0, 1/h], [6/h, 0]]    # quiet for 1 h on average, busy for 10 min
#include <cmath>
#include <vector>

#include "models/builtin.hpp"
#include "sim/core/units.hpp"

namespace lsim::models {
namespace {

constexpr std::size_t kMaxStates = 64;
constexpr double kMaxJumpsPerArrival = 1e6;

class MmppArrivals final : public ArrivalProcess {
 public:
  /// `q` is n×n row-major with a zero diagonal; `mean_rate` is Σ π_i rates[i].
  MmppArrivals(std::vector<double> rates, std::vector<double> q, std::size_t initial,
               double mean_rate, RngStream rng)
      : n_(rates.size()),
        rates_(std::move(rates)),
        q_(std::move(q)),
        leave_(n_, 0.0),
        state_(initial),
        mean_rate_(mean_rate),
        rng_(std::move(rng)) {
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t j = 0; j < n_; ++j) leave_[i] += q_[i * n_ + j];
      silent_ = silent_ && rates_[i] <= 0;
    }
  }

  OptionalTime next(Time) override {
    // All rates 0: nothing ever arrives (and the chain alone would jump for ever). Otherwise the
    // irreducible chain reaches a state with arrivals, and the loop ends.
    if (silent_) return std::nullopt;
    for (;;) {
      const double arrive = rates_[state_];
      const double total = arrive + leave_[state_];
      t_s_ += rng_.exponential(total);
      double u = rng_.uniform01() * total;
      if (u < arrive) return Time{to_duration(t_s_)};
      u -= arrive;
      // The jump's target, in proportion to the row's rates; rounding may leave u just above
      // the last positive rate, which then takes it.
      const double* row = &q_[state_ * n_];
      std::size_t to = state_;
      for (std::size_t j = 0; j < n_; ++j) {
        if (row[j] <= 0) continue;
        to = j;
        if (u < row[j]) break;
        u -= row[j];
      }
      state_ = to;
    }
  }
  [[nodiscard]] double mean_rate_per_s() const override { return mean_rate_; }

 private:
  const std::size_t n_;
  const std::vector<double> rates_;
  const std::vector<double> q_;
  std::vector<double> leave_;  // Σ_j q[i][j]
  std::size_t state_;
  bool silent_ = true;  // every rate is 0
  const double mean_rate_;
  RngStream rng_;
  double t_s_ = 0;  // the latest event (arrival or jump), seconds
};

// Reads a list of rates at `node`; reports every bad item. False when something was wrong.
bool read_rate_list(const ConfigNode& node, const std::string& path, Diagnostics& diags,
                    std::vector<double>& out) {
  if (!node.is_list()) {
    diags.error(node.loc, path, "expected a list of rates, e.g. [1/s, 50/s]");
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const ConfigNode& item = node.items[i];
    const std::string item_path = fmt::format("{}[{}]", path, i);
    if (!item.is_scalar()) {
      diags.error(item.loc, item_path, "expected a rate");
      ok = false;
      continue;
    }
    const Parsed<double> r = parse_rate_per_s(item.scalar);
    if (r.value) {
      out.push_back(*r.value);
    } else {
      diags.error(item.loc, item_path, r.error);
      ok = false;
    }
  }
  return ok;
}

// Whether every state reaches every other through positive rates (n ≤ kMaxStates).
bool irreducible(const std::vector<double>& q, std::size_t n) {
  for (std::size_t from = 0; from < n; ++from) {
    std::uint64_t seen = std::uint64_t{1} << from, frontier = seen;
    while (frontier != 0) {
      std::uint64_t next = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (frontier >> i & 1)
          for (std::size_t j = 0; j < n; ++j)
            if (q[i * n + j] > 0) next |= std::uint64_t{1} << j;
      frontier = next & ~seen;
      seen |= next;
    }
    if (seen != (n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1)) return false;
  }
  return true;
}

// The stationary distribution π of the irreducible generator with off-diagonal `q`: π Q = 0,
// Σ π = 1, by Gaussian elimination with partial pivoting on Qᵀ with its last row replaced by ones.
std::vector<double> stationary(const std::vector<double>& q, std::size_t n) {
  std::vector<double> a(n * (n + 1), 0.0);  // augmented n × (n + 1)
  auto at = [&](std::size_t r, std::size_t c) -> double& { return a[r * (n + 1) + c]; };
  for (std::size_t i = 0; i < n; ++i) {
    double leave = 0;
    for (std::size_t j = 0; j < n; ++j) {
      at(j, i) = q[i * n + j];  // transposed
      leave += q[i * n + j];
    }
    at(i, i) = -leave;
  }
  for (std::size_t c = 0; c <= n; ++c) at(n - 1, c) = 1.0;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::fabs(at(r, c)) > std::fabs(at(pivot, c))) pivot = r;
    for (std::size_t k = 0; k <= n; ++k) std::swap(at(c, k), at(pivot, k));
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c || at(r, c) == 0) continue;
      const double f = at(r, c) / at(c, c);
      for (std::size_t k = c; k <= n; ++k) at(r, k) -= f * at(c, k);
    }
  }
  std::vector<double> pi(n);
  for (std::size_t i = 0; i < n; ++i) pi[i] = std::max(0.0, at(i, n) / at(i, i));
  return pi;
}

}  // namespace

void register_mmpp_arrivals(Registry<ArrivalProcess>& r) {
  r.add({.type = "mmpp",
         .summary = "Markov-modulated Poisson: a rate per state of a continuous-time Markov chain.",
         .params = {{"rates", "list of rates", "required", "arrival rate in each state"},
                    {"transitions", "matrix of rates", "required",
                     "[i][j]: rate of jumping from state i to state j; diagonal 0"},
                    {"initial_state", "integer", "0", "state at time 0, counted from 0"}},
         .make = [](ParamReader& p, RngStream rng) -> std::unique_ptr<ArrivalProcess> {
           Diagnostics& diags = p.diagnostics();
           const ConfigNode* rates_node = p.child("rates");
           const ConfigNode* q_node = p.child("transitions");
           const std::int64_t initial = p.integer_or("initial_state", 0);
           for (const char* key : {"rates", "transitions"})
             if (!p.has(key))
               diags.error(p.node().loc, p.path(), fmt::format("missing required key '{}'", key));
           if (rates_node == nullptr || q_node == nullptr) return nullptr;
           std::vector<double> rates;
           if (!read_rate_list(*rates_node, p.path_of("rates"), diags, rates)) return nullptr;
           const std::size_t n = rates.size();
           if (!p.check(n >= 1 && n <= kMaxStates, "rates",
                        fmt::format("needs 1 to {} states", kMaxStates)))
             return nullptr;
           const std::string q_path = p.path_of("transitions");
           if (!q_node->is_list() || q_node->items.size() != n) {
             diags.error(
                 q_node->loc, q_path,
                 fmt::format("expected {} rows (one per state), each a list of {} rates", n, n));
             return nullptr;
           }
           std::vector<double> q;
           q.reserve(n * n);
           bool ok = true;
           for (std::size_t i = 0; i < n; ++i) {
             const ConfigNode& row = q_node->items[i];
             const std::string row_path = fmt::format("{}[{}]", q_path, i);
             std::vector<double> values;
             if (!read_rate_list(row, row_path, diags, values)) {
               ok = false;
               continue;
             }
             if (values.size() != n) {
               diags.error(
                   row.loc, row_path,
                   fmt::format("expected {} rates (one per state), got {}", n, values.size()));
               ok = false;
               continue;
             }
             if (values[i] != 0) {
               diags.error(row.items[i].loc, fmt::format("{}[{}]", row_path, i),
                           "the diagonal must be 0 (the time in a state follows from the rest "
                           "of its row)");
               ok = false;
             }
             q.insert(q.end(), values.begin(), values.end());
           }
           if (!ok) return nullptr;
           if (!p.check(irreducible(q, n), "transitions",
                        "every state must be reachable from every other state"))
             return nullptr;
           if (!p.check(initial >= 0 && static_cast<std::size_t>(initial) < n, "initial_state",
                        fmt::format("must be a state, 0 to {}", n - 1)))
             return nullptr;
           const std::vector<double> pi = stationary(q, n);
           double mean = 0, jumps = 0, max_rate = 0;
           for (std::size_t i = 0; i < n; ++i) {
             mean += pi[i] * rates[i];
             max_rate = std::max(max_rate, rates[i]);
             for (std::size_t j = 0; j < n; ++j) jumps += pi[i] * q[i * n + j];
           }
           // Exact simulation costs one step per jump: bound the jumps per arrival. A chain that
           // fast is a Poisson process at the mean rate for any practical purpose.
           if (max_rate > 0 && !(jumps <= kMaxJumpsPerArrival * mean)) {
             const double per_arrival = jumps / mean;  // inf when the mean rounds to 0
             p.error("transitions",
                     fmt::format("the chain jumps {} times per arrival on average, more than "
                                 "10^6; so fast a chain is a Poisson process at the mean rate",
                                 std::isfinite(per_arrival) ? fmt::format("{:.3g}", per_arrival)
                                                            : std::string("too many")));
             return nullptr;
           }
           return std::make_unique<MmppArrivals>(std::move(rates), std::move(q),
                                                 static_cast<std::size_t>(initial), mean,
                                                 std::move(rng));
         }});
}

}  // namespace lsim::models
