// {{name}} C simulation testbench (written by hwnas {{version}}).
//
// Usage: {{name}}_test [INPUTS [OUTPUTS [EXPECTED]]]
// Reads one sample per line from INPUTS (default tb_data/tb_input_features.dat): N_INPUT
// numbers separated by commas and/or whitespace; blank lines and lines starting with '#' are
// skipped, the first data line may be a header (no cell a number); any other row that is not
// N_INPUT numbers stops the program with its line number (exit code 2). It runs {{name}} on
// each sample and writes one line of
// N_OUTPUT values per sample, printed exactly (17 significant digits), to OUTPUTS (default
// tb_data/csim_results.log). When EXPECTED (default tb_data/tb_output_predictions.dat) exists,
// every output is compared with it bit for bit and the program fails on any difference.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "firmware/{{name}}.h"

// Splits a row at commas and whitespace.
static std::vector<std::string> split_cells(const std::string &line) {
    std::vector<std::string> cells;
    std::string cell;
    for (char c : line) {
        if (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (!cell.empty()) {
                cells.push_back(cell);
            }
            cell.clear();
        } else {
            cell += c;
        }
    }
    if (!cell.empty()) {
        cells.push_back(cell);
    }
    return cells;
}

// Whether the whole cell is one number; its value in *v.
static bool parse_number(const std::string &cell, double *v) {
    char *end = 0;
    *v = std::strtod(cell.c_str(), &end);
    return end != cell.c_str() && *end == '\0';
}

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
    long samples = 0, compared = 0, mismatches = 0, line_no = 0;
    bool first_data_line = true;
    while (std::getline(fin, line)) {
        line_no++;
        const std::vector<std::string> cells = split_cells(line);
        if (cells.empty() || cells[0][0] == '#') {
            continue;
        }
        std::vector<double> values(cells.size());
        int bad = -1, numbers = 0;
        for (size_t k = 0; k < cells.size(); k++) {
            if (parse_number(cells[k], &values[k])) {
                numbers++;
            } else if (bad < 0) {
                bad = (int)k;
            }
        }
        const bool header = first_data_line && numbers == 0;
        first_data_line = false;
        if (header) {
            continue;
        }
        if (bad >= 0) {
            std::cerr << in_path << ": line " << line_no << ": value " << bad + 1 << " `"
                      << cells[bad] << "` is not a number\n";
            return 2;
        }
        if ((int)values.size() != N_INPUT) {
            std::cerr << in_path << ": line " << line_no << ": " << values.size()
                      << " values, but a sample of {{name}} has " << N_INPUT << "\n";
            return 2;
        }
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
