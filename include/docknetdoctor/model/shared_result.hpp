#pragma once
// A collected fact that the copies of one Facts share instead of copying: an --all run gives
// every container a copy of the host's Facts, and a fact that grows with the host (its
// listening sockets) would otherwise be copied once per container.
#include <memory>
#include <utility>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

// Reads as the Result<T> it holds; read-only once set. Assigning a new value gives this copy
// its own (the copies it was shared with keep theirs). Never null, also when moved from.
template <class T>
class SharedResult {
public:
    SharedResult(Result<T> result) : value_(std::make_shared<const Result<T>>(std::move(result))) {}  // NOLINT
    SharedResult(T value) : SharedResult(Result<T>(std::move(value))) {}                              // NOLINT
    SharedResult(std::unexpected<Error> error) : SharedResult(Result<T>(std::move(error))) {}         // NOLINT
    SharedResult(const SharedResult&) = default;
    SharedResult(SharedResult&& other) noexcept : value_(other.value_) {}
    SharedResult& operator=(const SharedResult&) = default;
    SharedResult& operator=(SharedResult&& other) noexcept {
        value_ = other.value_;
        return *this;
    }
    ~SharedResult() = default;

    explicit operator bool() const { return value_->has_value(); }
    bool has_value() const { return value_->has_value(); }
    const T& operator*() const { return **value_; }
    const T* operator->() const { return &**value_; }
    const Error& error() const { return value_->error(); }
    const Result<T>& result() const { return *value_; }

private:
    std::shared_ptr<const Result<T>> value_;
};

}  // namespace dnd
