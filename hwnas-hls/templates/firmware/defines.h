// {{name}}: sizes and fixed-point types (written by hwnas {{version}}).
#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#define N_INPUT {{n_input}}
#define N_OUTPUT {{n_output}}

{{typedefs}}
#endif
