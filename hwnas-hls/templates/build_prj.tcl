# {{name}}: HLS flow for Vivado HLS and Vitis HLS (written by hwnas {{version}}).
#
#   vivado_hls -f build_prj.tcl "csim=1 synth=1 cosim=0 export=0 vsynth=0"
#   vitis_hls  -f build_prj.tcl "csim=1 synth=1 cosim=0 export=0 vsynth=0"
#
# Switches (key=value, 0 or 1): reset csim synth cosim validation export vsynth.
array set opt {
    reset      0
    csim       1
    synth      1
    cosim      0
    validation 0
    export     0
    vsynth     0
}
# The tools pass the switches as one argument ("csim=1 synth=1") or as several: take every
# whitespace-separated key=value token of every argument.
foreach arg $::argv {
    foreach token [regexp -all -inline {\S+} $arg] {
        if {![regexp {^([A-Za-z_]+)=(\S+)$} $token -> key value]} {
            puts "ignoring `$token`: switches are key=value"
        } elseif {[info exists opt($key)]} {
            set opt($key) [expr {$value in {1 True true}}]
        } else {
            puts "unknown switch $key (known: [lsort [array names opt]])"
        }
    }
}

source [file join [file dirname [info script]] project.tcl]

set cflags "-std=c++0x -Ifirmware"
if {$opt(reset)} {
    open_project -reset ${project_name}_prj
} else {
    open_project ${project_name}_prj
}
set_top ${project_name}
add_files firmware/${project_name}.cpp -cflags $cflags
add_files -tb ${project_name}_test.cpp -cflags $cflags
add_files -tb tb_data
if {$opt(reset)} {
    open_solution -reset "solution1"
} else {
    open_solution "solution1"
}
catch {config_array_partition -maximum_size 4096}
config_compile -name_max_length 80
set_part $part
create_clock -period $clock_period -name default
set_clock_uncertainty $clock_uncertainty default

if {$opt(csim)} {
    puts "***** C SIMULATION *****"
    csim_design
}
if {$opt(synth)} {
    puts "***** C/RTL SYNTHESIS *****"
    csynth_design
}
if {$opt(cosim)} {
    puts "***** C/RTL SIMULATION *****"
    cosim_design -trace_level all
}
if {$opt(validation)} {
    puts "***** C/RTL VALIDATION *****"
    set csim [file join tb_data csim_results.log]
    set rtl [file join tb_data rtl_cosim_results.log]
    if {[file exists $csim] && [file exists $rtl]} {
        if {[catch {exec diff $csim $rtl}]} {
            puts "C simulation and RTL co-simulation outputs differ"
        } else {
            puts "C simulation and RTL co-simulation outputs agree"
        }
    }
}
if {$opt(export)} {
    puts "***** EXPORT IP *****"
    export_design -format ip_catalog
}
if {$opt(vsynth)} {
    puts "***** VIVADO SYNTHESIS *****"
    exec vivado -mode batch -source vivado_synth.tcl >@ stdout
}
exit
