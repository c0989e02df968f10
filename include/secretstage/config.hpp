// secretstage — an executable reference model of AWS Secrets Manager versions and staging labels.
#ifndef SECRETSTAGE_CONFIG_HPP
#define SECRETSTAGE_CONFIG_HPP

#define SECRETSTAGE_VERSION_MAJOR 0
#define SECRETSTAGE_VERSION_MINOR 1
#define SECRETSTAGE_VERSION_PATCH 0

#endif  // SECRETSTAGE_CONFIG_HPP
