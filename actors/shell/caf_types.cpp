#include "actors/shell/caf_types.hpp"

namespace protobed {

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<packet>("protobed.packet");
  cfg.add_message_type<event>("protobed.event");
  cfg.add_message_type<command>("protobed.command");
  cfg.add_message_type<observation>("protobed.observation");
  cfg.add_message_type<timer_id>("protobed.timer_id");
  cfg.add_message_type<std::vector<event>>("protobed.events");
  cfg.add_message_type<std::vector<packet>>("protobed.packets");
  cfg.add_message_type<work_job>("protobed.work_job");
  cfg.add_message_type<work_done>("protobed.work_done");
}

} // namespace protobed
