// peer.not-found: --to names no container, and the name does not resolve inside the source.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "web cannot reach dbb:5432": a typo, no such container.
TEST(PeerNotFound, FiresForANameNothingKnows) {
    auto r = checks::peer_not_found().run(FactsBuilder().to("dbb:5432").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "peer.not-found", tcp(5432), Severity::critical,
                            "dbb names no container, alias or service, and it does not resolve inside web"));
    EXPECT_THAT(f.evidence, ElementsAre("Engine API: no such container: dbb",
                                        "nameserver 127.0.0.11 (the source's resolv.conf) answered NXDOMAIN with no address for dbb",
                                        "probe from the source: not run: no address for dbb inside the source"));
    EXPECT_THAT(f.fix, Contains("check the name: docker ps -a --format '{{.Names}}'"));
}

// "db was removed, and the resolver does not even answer."
TEST(PeerNotFound, FiresQuotingAResolverThatDidNotAnswer) {
    auto r = checks::peer_not_found().run(
        FactsBuilder().to("db:5432").no_target().unavailable(Fact::peer_dns, "no answer from 127.0.0.11 within 1000 ms").build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("DNS query for db inside the source: no answer from 127.0.0.11 within 1000 ms"));
}

// "web reaches db:5432 on appnet": the healthy pair.
TEST(PeerNotFound, QuietWhenTheTargetExists) {
    EXPECT_TRUE(quiet(checks::peer_not_found().run(FactsBuilder().to("db:5432").build())));
}

// "legacy-db is not a container, but web's /etc/hosts has it."
TEST(PeerNotFound, QuietWhenTheHostsFileResolvesIt) {
    auto f = FactsBuilder().to("legacy-db:5432").hosts_entry("10.0.0.5", "legacy-db").build();
    EXPECT_TRUE(quiet(checks::peer_not_found().run(f)));
}

// "--to 10.9.9.9:5432": an address is no name to look up.
TEST(PeerNotFound, QuietForAnAddress) {
    EXPECT_TRUE(quiet(checks::peer_not_found().run(FactsBuilder().to("10.9.9.9:5432").build())));
}

// "The source container itself could not be read."
TEST(PeerNotFound, UndecidedWithoutTheSource) {
    auto r = checks::peer_not_found().run(FactsBuilder().to("dbb:5432").unavailable(Fact::container, "no such container: web").build());
    EXPECT_TRUE(undecided_only(r, {"needs the source container (docker-api: no such container: web)"}));
}

}  // namespace
}  // namespace dnd
