// The single doctest main shared by the test executables (unit_tests, property_tests, wire_tests).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
