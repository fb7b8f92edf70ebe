// A double-ended queue in one contiguous block (capacity a power of two, doubled when full).
// Unlike std::deque it allocates nothing once it has grown to its working size, so a queue that
// fills and drains in steady state costs no allocation per element.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "sim/core/check.hpp"

namespace lsim {

template <class T>
class RingBuffer {
 public:
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  /// Element `i` counted from the front.
  [[nodiscard]] const T& operator[](std::size_t i) const {
    LSIM_CHECK(i < size_, "ring index {} out of range {}", i, size_);
    return data_[(head_ + i) & (data_.size() - 1)];
  }
  [[nodiscard]] T& operator[](std::size_t i) {
    LSIM_CHECK(i < size_, "ring index {} out of range {}", i, size_);
    return data_[(head_ + i) & (data_.size() - 1)];
  }
  [[nodiscard]] const T& front() const { return (*this)[0]; }
  [[nodiscard]] const T& back() const { return (*this)[size_ - 1]; }

  void push_back(const T& v) {
    if (size_ == data_.size()) grow();
    data_[(head_ + size_) & (data_.size() - 1)] = v;
    ++size_;
  }
  void push_front(const T& v) {
    if (size_ == data_.size()) grow();
    head_ = (head_ + data_.size() - 1) & (data_.size() - 1);
    data_[head_] = v;
    ++size_;
  }
  void pop_front() {
    LSIM_CHECK(size_ > 0, "pop_front on an empty ring");
    head_ = (head_ + 1) & (data_.size() - 1);
    --size_;
  }

 private:
  void grow() {
    std::vector<T> bigger(data_.empty() ? 16 : data_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(data_[(head_ + i) & (data_.size() - 1)]);
    data_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> data_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace lsim
