// {{name}}: one config struct per layer and the weights (written by hwnas {{version}}).
#ifndef PARAMETERS_H_
#define PARAMETERS_H_

#include "defines.h"
#include "hwnas/hwnas_common.h"
{{includes}}
{{weights}}
{{configs}}
#endif
