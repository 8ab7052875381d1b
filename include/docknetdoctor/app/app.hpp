#pragma once
namespace dnd {
// Parses options, runs collect -> checks -> rank -> render, returns the exit code.
int run_app(int argc, char** argv);
}  // namespace dnd
