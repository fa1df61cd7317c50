# {{name}}: project settings read by build_prj.tcl (written by hwnas {{version}}).
set project_name "{{name}}"
set part "{{part}}"
set clock_period {{clock}}
set clock_uncertainty "{{uncertainty}}"
set version "1.0.0"
