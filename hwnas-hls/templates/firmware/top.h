// {{name}}: top function of the HLS project written by hwnas {{version}}.
#ifndef {{guard}}_H_
#define {{guard}}_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#include "defines.h"

// Input: {{input_shape}} channels-last ({{n_input}} values of input_t).
// Output: {{output_shape}} ({{n_output}} values of result_t).
void {{name}}({{ports}});

#endif
