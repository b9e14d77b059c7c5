// The contents of the security tiers (Security=hardened|strict): which
// capabilities each drops, its system call filter and its AppArmor profile.
// The key table applies them beneath the individual keys, and sdme.sdme(5)
// lists them; a test holds the man page to these lists, so they exist once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme::file {

enum class SecurityTier { kNone, kHardened, kStrict };

// "hardened" or "strict" (exactly); false for anything else.
bool parse_security_tier(std::string_view text, SecurityTier* tier);
std::string_view security_tier_name(SecurityTier tier);

// The capabilities systemd-nspawn 252 keeps in a container by default
// (systemd-nspawn(1), --capability=), in kernel number order. nspawn adds
// CAP_NET_ADMIN with a private network.
const std::vector<std::string>& nspawn_default_capabilities();

// What Security=hardened drops, in kernel number order.
const std::vector<std::string>& hardened_dropped_capabilities();

// What Security=strict keeps: Docker's default capabilities plus
// CAP_SYS_ADMIN, which systemd in the container needs, minus what hardened
// drops. In kernel number order.
const std::vector<std::string>& strict_kept_capabilities();

// What the tier drops, in kernel number order: for hardened its list, for
// strict every capability nspawn would keep (CAP_NET_ADMIN included) that
// strict does not, plus hardened's. A container that runs Exec= instead of
// booting keeps CAP_SYS_BOOT (`booting` false): nspawn's stub init powers
// the container off with reboot(2) when the service stops.
std::vector<std::string> tier_dropped_capabilities(SecurityTier tier, bool booting);

// The tier's --system-call-filter= list, "" for none.
std::string_view tier_system_call_filter(SecurityTier tier);

// The AppArmor profile the tier applies through AppArmorProfile=, "" for none.
std::string_view tier_apparmor_profile(SecurityTier tier);

}  // namespace sdme::file
