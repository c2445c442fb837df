// The one Catch2 main for all unit tests (Catch2 v2 only: v3's Catch2::Catch2WithMain has its own).
#define CATCH_CONFIG_MAIN
#include "support/catch.hpp"
