// newtonr/glm_sparse.hpp -- the model matrix of the large-p GLM solvers
// (glm_hf.hpp), dense or sparse, behind one interface: X v, X'u, the fused
// Hessian-vector product X'(D (X v)) (never forming X'DX), the diagonal of
// X'DX (the Jacobi preconditioner of newton-cg), and X'DX itself (IRLS on a
// sparse design, moderate p).
//
// Sparse: compressed sparse columns (Matrix's dgCMatrix slots i, p, x).
// X v scatters over the columns (serial, O(nnz)); X'u gathers per column
// (parallel over columns, each sum in row order: deterministic for any
// thread count).  X'DX: rows are visited through a row-wise (CSR) copy
// built once, each row's outer product adding into the upper triangle:
// O(sum_i nnz_i^2) time, O(p^2) memory.
// Dense: column-major n x p; the Hessian-vector product is fused per panel
// of rows (Xb v, times D, Xb' z added into a per-thread p-vector, summed in
// panel order), so X is read once per product.
#pragma once

#include <newtonr/common.hpp>

#include <algorithm>
#include <stdexcept>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace newtonr {

struct GlmDesign {
  Eigen::Index n = 0, p = 0;
  const double* X = nullptr;  // dense, column-major (or nullptr)
  const int* Si = nullptr;    // sparse CSC: row indices (0-based)
  const int* Sp = nullptr;    // column pointers (length p + 1)
  const double* Sx = nullptr; // values
  int threads = 1;
  bool sparse() const { return Sp != nullptr; }
  Eigen::Index nnz() const { return sparse() ? Sp[p] : n * p; }
  // threads for one pass: 1 below 4e6 entries, where starting an OpenMP
  // team costs more than it saves (ms each on a busy machine: 35x slower
  // at n = 1e4, p = 2000, 0.1% non-zeros)
  int nthr() const { return nnz() >= 4000000 ? std::max(1, threads) : 1; }

  void check() const {
    if (!sparse() && !X) throw std::invalid_argument("GlmDesign: no matrix");
    if (sparse()) {
      if (Sp[0] != 0) throw std::invalid_argument("GlmDesign: column pointers must start at 0");
      for (Eigen::Index j = 0; j < p; ++j)
        if (Sp[j + 1] < Sp[j]) throw std::invalid_argument("GlmDesign: column pointers decrease");
      for (Eigen::Index k = 0; k < Sp[p]; ++k)
        if (Si[k] < 0 || Si[k] >= n) throw std::invalid_argument("GlmDesign: row index out of range");
    }
  }

  // z = X v (+ off when off != nullptr)
  void xv(const Vec& v, const double* off, double* z) const {
    if (sparse()) {
      for (Eigen::Index i = 0; i < n; ++i) z[i] = off ? off[i] : 0.0;
      for (Eigen::Index j = 0; j < p; ++j) {
        const double vj = v(j);
        if (vj == 0) continue;
        for (int k = Sp[j]; k < Sp[j + 1]; ++k) z[Si[k]] += Sx[k] * vj;
      }
      return;
    }
    Eigen::Map<Vec> zm(z, n);
    zm.noalias() = Eigen::Map<const Mat>(X, n, p) * v;
    if (off) zm += Eigen::Map<const Vec>(off, n);
  }

  // out = X' u
  void xtu(const double* u, Vec& out) const {
    out.resize(p);
    if (sparse()) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nthr())
#endif
      for (Eigen::Index j = 0; j < p; ++j) {
        double s = 0;
        for (int k = Sp[j]; k < Sp[j + 1]; ++k) s += Sx[k] * u[Si[k]];
        out(j) = s;
      }
      return;
    }
    out.noalias() = Eigen::Map<const Mat>(X, n, p).transpose() * Eigen::Map<const Vec>(u, n);
  }

  // out = X' (D (X v)); z: scratch of length n (sparse only)
  void hv(const double* D, const Vec& v, Vec& out, std::vector<double>& z) const {
    if (sparse()) {
      z.resize(static_cast<size_t>(n));
      xv(v, nullptr, z.data());
      for (Eigen::Index i = 0; i < n; ++i) z[static_cast<size_t>(i)] *= D[i];
      xtu(z.data(), out);
      return;
    }
    const Eigen::Index panel = std::max<Eigen::Index>(16, 32768 / std::max<Eigen::Index>(p, 1));
    const Eigen::Index np = (n + panel - 1) / panel;
    const int nt = static_cast<int>(std::max<Eigen::Index>(1, std::min<Eigen::Index>(nthr(), np)));
    // per-thread partial sums over contiguous blocks of panels, summed in
    // block order (the same blocks for a given thread count)
    std::vector<Vec> part(static_cast<size_t>(nt), Vec::Zero(p));
    Eigen::Map<const Mat> Xm(X, n, p);
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
#endif
    {
#ifdef _OPENMP
      const int t = omp_get_thread_num();
#else
      const int t = 0;
#endif
      const Eigen::Index b0 = np * t / nt, b1 = np * (t + 1) / nt;
      Vec zb(panel);
      for (Eigen::Index b = b0; b < b1; ++b) {
        const Eigen::Index r0 = b * panel, m = std::min(panel, n - r0);
        auto Xb = Xm.middleRows(r0, m);
        zb.head(m).noalias() = Xb * v;
        for (Eigen::Index i = 0; i < m; ++i) zb(i) *= D[r0 + i];
        part[static_cast<size_t>(t)].noalias() += Xb.transpose() * zb.head(m);
      }
    }
    out = part[0];
    for (int t = 1; t < nt; ++t) out += part[static_cast<size_t>(t)];
  }

  // diag(X' D X)
  Vec diag_xdx(const double* D) const {
    Vec d(p);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nthr())
#endif
    for (Eigen::Index j = 0; j < p; ++j) {
      double s = 0;
      if (sparse()) {
        for (int k = Sp[j]; k < Sp[j + 1]; ++k) s += Sx[k] * Sx[k] * D[Si[k]];
      } else {
        const double* c = X + j * n;
        for (Eigen::Index i = 0; i < n; ++i) s += c[i] * c[i] * D[i];
      }
      d(j) = s;
    }
    return d;
  }

  // X' D X (p x p, symmetric); sparse through a row-wise copy built on first use
  Mat xdx(const double* D) const {
    if (!sparse()) {  // blocks of rows: A += (sqrt(D) Xb)' (sqrt(D) Xb) (D >= 0)
      Eigen::Map<const Mat> Xm(X, n, p);
      Mat A = Mat::Zero(p, p);
      const Eigen::Index blk = 2048;
      for (Eigen::Index r0 = 0; r0 < n; r0 += blk) {
        const Eigen::Index m = std::min(blk, n - r0);
        Vec sd(m);
        for (Eigen::Index i = 0; i < m; ++i) sd(i) = std::sqrt(std::max(D[r0 + i], 0.0));
        const Mat S = sd.asDiagonal() * Xm.middleRows(r0, m);
        A.selfadjointView<Eigen::Lower>().rankUpdate(S.transpose());
      }
      return A.selfadjointView<Eigen::Lower>();
    }
    build_rows();
    Mat A = Mat::Zero(p, p);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double d = D[i];
      if (d == 0) continue;
      for (int a = rp_[static_cast<size_t>(i)]; a < rp_[static_cast<size_t>(i) + 1]; ++a) {
        const int ja = rj_[static_cast<size_t>(a)];
        const double xa = d * rx_[static_cast<size_t>(a)];
        for (int b = a; b < rp_[static_cast<size_t>(i) + 1]; ++b)
          A(ja, rj_[static_cast<size_t>(b)]) += xa * rx_[static_cast<size_t>(b)];
      }
    }
    // column indices within a row are increasing, so A holds the upper triangle
    return A.selfadjointView<Eigen::Upper>();
  }

  // Per column: range (max - min, zeros included for sparse columns) and
  // whether every entry equals 1 (an intercept column).
  void col_info(Vec& range, std::vector<bool>& ones) const {
    range.resize(p);
    ones.assign(static_cast<size_t>(p), true);
    for (Eigen::Index j = 0; j < p; ++j) {
      double lo = kInf, hi = -kInf;
      bool one = true;
      Eigen::Index cnt = 0;
      auto see = [&](double v) { lo = std::min(lo, v); hi = std::max(hi, v); one = one && v == 1.0; };
      if (sparse()) {
        for (int k = Sp[j]; k < Sp[j + 1]; ++k) see(Sx[k]);
        cnt = Sp[j + 1] - Sp[j];
        if (cnt < n) see(0.0);
      } else {
        for (Eigen::Index i = 0; i < n; ++i) see(X[j * n + i]);
      }
      range(j) = n > 0 ? hi - lo : 0.0;
      ones[static_cast<size_t>(j)] = one && n > 0;
    }
  }

 private:
  mutable std::vector<int> rp_, rj_;
  mutable std::vector<double> rx_;
  void build_rows() const {
    if (!rp_.empty()) return;
    rp_.assign(static_cast<size_t>(n) + 1, 0);
    for (int k = 0; k < Sp[p]; ++k) ++rp_[static_cast<size_t>(Si[k]) + 1];
    for (Eigen::Index i = 0; i < n; ++i) rp_[static_cast<size_t>(i) + 1] += rp_[static_cast<size_t>(i)];
    rj_.resize(static_cast<size_t>(Sp[p]));
    rx_.resize(static_cast<size_t>(Sp[p]));
    std::vector<int> pos(rp_.begin(), rp_.end() - 1);
    for (Eigen::Index j = 0; j < p; ++j)
      for (int k = Sp[j]; k < Sp[j + 1]; ++k) {
        const int q = pos[static_cast<size_t>(Si[k])]++;
        rj_[static_cast<size_t>(q)] = static_cast<int>(j);
        rx_[static_cast<size_t>(q)] = Sx[k];
      }
  }
};

}  // namespace newtonr
