module pyvmbench

go 1.19
