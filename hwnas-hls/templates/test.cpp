// {{name}} C simulation testbench (written by hwnas {{version}}).
//
// Usage: {{name}}_test [INPUTS [OUTPUTS [EXPECTED]]]
// Reads one sample per line (N_INPUT space-separated numbers) from INPUTS
// (default tb_data/tb_input_features.dat), runs {{name}} on each and writes one line of
// N_OUTPUT values per sample, printed exactly (17 significant digits), to OUTPUTS (default
// tb_data/csim_results.log). When EXPECTED (default tb_data/tb_output_predictions.dat) exists,
// every output is compared with it bit for bit and the program fails on any difference.
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include "firmware/{{name}}.h"

int main(int argc, char **argv) {
    const char *in_path = argc > 1 ? argv[1] : "tb_data/tb_input_features.dat";
    const char *out_path = argc > 2 ? argv[2] : "tb_data/csim_results.log";
    const char *expected_path = argc > 3 ? argv[3] : "tb_data/tb_output_predictions.dat";
    std::ifstream fin(in_path);
    if (!fin.is_open()) {
        std::cerr << "cannot open " << in_path << "\n";
        return 2;
    }
    std::ifstream fexp(expected_path);
    std::ofstream fout(out_path);
    if (!fout.is_open()) {
        std::cerr << "cannot write " << out_path << "\n";
        return 2;
    }
    fout << std::setprecision(17);
    std::string line;
    long samples = 0, compared = 0, mismatches = 0;
    while (std::getline(fin, line)) {
        if (line.empty()) {
            continue;
        }
        std::istringstream values(line);
{{tb_read_input}}
{{tb_call}}
        std::string expected_line;
        const bool check = fexp.is_open() && std::getline(fexp, expected_line);
        std::istringstream expected(expected_line);
        for (int j = 0; j < N_OUTPUT; j++) {
            const double v = {{tb_output}}[j].to_double();
            fout << v << (j + 1 < N_OUTPUT ? " " : "\n");
            double e = 0;
            if (check && expected >> e) {
                compared++;
                if (e != v) {
                    if (mismatches < 10) {
                        std::cerr << "sample " << samples << " output " << j << ": got "
                                  << std::setprecision(17) << v << ", expected " << e << "\n";
                    }
                    mismatches++;
                }
            }
        }
        samples++;
    }
    std::cout << "{{name}} testbench: " << samples << " samples, " << compared
              << " outputs compared, " << mismatches << " mismatches\n";
    return mismatches == 0 ? 0 : 1;
}
