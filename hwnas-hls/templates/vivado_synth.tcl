# {{name}}: out-of-context Vivado synthesis of the HLS output (written by hwnas {{version}}).
source [file join [file dirname [info script]] project.tcl]
add_files ${project_name}_prj/solution1/syn/verilog
synth_design -top ${project_name} -part $part -mode out_of_context
opt_design -retarget -propconst -sweep -bram_power_opt -shift_register_opt
report_utilization -file vivado_synth.rpt
report_timing_summary -file vivado_timing.rpt
