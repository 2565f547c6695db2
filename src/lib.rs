//! Test and benchmark suite of the fastrs workspace.
