// {{name}}: the network as a straight list of hwnas layer calls (written by hwnas {{version}}).
#include "{{name}}.h"
#include "parameters.h"

void {{name}}({{ports}}) {
{{port_pragmas}}
{{layers}}
}
