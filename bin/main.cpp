// protobed: the command-line entry point. Everything happens in cli/.
#include "bin/cli/app.hpp"

int main(int argc, char** argv) {
  return protobed::cli::run_app(argc, argv);
}
