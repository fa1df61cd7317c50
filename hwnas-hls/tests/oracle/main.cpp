// Entry point of the ap_fixed oracle (see oracle.h). Usage:
//
//   oracle float <index> <in: f64 values> <out: 128-bit raw values, one block per mode>
//   oracle cast  <index> <in: 128-bit source raws> <out: 128-bit raw values, one block per mode>
//
// All files are native-endian binary.
#include "oracle.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>


static std::vector<char> read_file(const char* path) {
  std::vector<char> data;
  FILE* f = std::fopen(path, "rb");
  if (!f) {
    std::perror(path);
    std::exit(2);
  }
  char buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + got);
  std::fclose(f);
  return data;
}

static void write_file(const char* path, const std::vector<raw_t>& out) {
  FILE* f = std::fopen(path, "wb");
  if (!f || std::fwrite(out.data(), sizeof(raw_t), out.size(), f) != out.size() ||
      std::fclose(f) != 0) {
    std::perror(path);
    std::exit(2);
  }
}

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s float|cast <index> <in> <out>\n", argv[0]);
    return 2;
  }
  const bool is_float = std::strcmp(argv[1], "float") == 0;
  const size_t index = std::strtoul(argv[2], nullptr, 10);
  std::vector<char> data = read_file(argv[3]);
  std::vector<raw_t> out;
  if (is_float) {
    if (index >= N_FLOAT_CASES) return 3;
    const size_t n = data.size() / sizeof(double);
    std::vector<double> in(n);
    std::memcpy(in.data(), data.data(), n * sizeof(double));
    out.resize(n * FLOAT_CASES[index].n_modes);
    FLOAT_CASES[index].run(in.data(), out.data(), n);
  } else {
    if (index >= N_CAST_CASES) return 3;
    const size_t n = data.size() / sizeof(raw_t);
    std::vector<raw_t> in(n);
    std::memcpy(in.data(), data.data(), n * sizeof(raw_t));
    out.resize(n * CAST_CASES[index].n_modes);
    CAST_CASES[index].run(in.data(), out.data(), n);
  }
  write_file(argv[4], out);
  return 0;
}
