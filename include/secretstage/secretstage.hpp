#ifndef SECRETSTAGE_SECRETSTAGE_HPP
#define SECRETSTAGE_SECRETSTAGE_HPP

// The umbrella header: every core header. Printing (io.hpp) is opt-in.

#include "config.hpp"
#include "context.hpp"
#include "error.hpp"
#include "invariants.hpp"
#include "label_set.hpp"
#include "messages.hpp"
#include "operation.hpp"
#include "operations/create_secret.hpp"
#include "operations/put_secret_value.hpp"
#include "operations/update_secret.hpp"
#include "operations/update_secret_version_stage.hpp"
#include "result.hpp"
#include "secret.hpp"
#include "traits.hpp"
#include "transition.hpp"
#include "value.hpp"
#include "version.hpp"

#endif  // SECRETSTAGE_SECRETSTAGE_HPP
