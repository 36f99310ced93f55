<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name>KpiCard</name>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="183"/>
        <source>Target: at most %1</source>
        <translation>Mål: højst %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="184"/>
        <source>Target: %1</source>
        <translation>Mål: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="223"/>
        <source>score %1</source>
        <translation>score %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="225"/>
        <source>Open the chart and the explanation (Enter)</source>
        <translation>Åbn grafen og forklaringen (Enter)</translation>
    </message>
</context>
<context>
    <name>KpiChartDialog</name>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="253"/>
        <source>Today %1 · target %2 · score %3</source>
        <translation>I dag %1 · mål %2 · score %3</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="266"/>
        <source>Loading the explanation…</source>
        <translation>Henter forklaringen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="277"/>
        <source>&amp;Copy call list</source>
        <translation>&amp;Kopiér ringeliste</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="307"/>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="364"/>
        <source>History</source>
        <translation>Historik</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="373"/>
        <source>Target</source>
        <translation>Mål</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="430"/>
        <source>Chart of %1</source>
        <translation>Graf over %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="493"/>
        <source>&lt;b&gt;Call list&lt;/b&gt;: 1 customer still without a meeting</source>
        <translation>&lt;b&gt;Ringeliste&lt;/b&gt;: 1 kunde mangler stadig et møde</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="495"/>
        <source>&lt;b&gt;Call list&lt;/b&gt;: %1 customers still without a meeting</source>
        <translation>&lt;b&gt;Ringeliste&lt;/b&gt;: %1 kunder mangler stadig et møde</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="506"/>
        <source>1 record makes up today&apos;s value (%1).</source>
        <translation>1 post udgør dagens værdi (%1).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="508"/>
        <source>%2 records make up today&apos;s value (%1).</source>
        <translation>%2 poster udgør dagens værdi (%1).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="491"/>
        <source>&lt;b&gt;Call list&lt;/b&gt;: every customer has had a meeting.</source>
        <translation>&lt;b&gt;Ringeliste&lt;/b&gt;: alle kunder har haft et møde.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="405"/>
        <source>Likely range</source>
        <translation>Sandsynligt interval</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="413"/>
        <source>Expected</source>
        <translation>Forventet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="418"/>
        <source>No change</source>
        <translation>Ingen ændring</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="423"/>
        <source>Pace so far</source>
        <translation>Tempo indtil nu</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="456"/>
        <source>Already known</source>
        <translation>Allerede kendt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="457"/>
        <source>Open deals × win rate</source>
        <translation>Åbne salgsmuligheder × hitrate</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="516"/>
        <source>The data changed since the night&apos;s run, which gave %1.</source>
        <translation>Data er ændret siden nattens beregning, som gav %1.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="522"/>
        <source>No explanation: %1</source>
        <translation>Ingen forklaring: %1</translation>
    </message>
</context>
<context>
    <name>KpiSetupDialog</name>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="65"/>
        <source>KPI setup</source>
        <translation>KPI opsætning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="81"/>
        <source>&amp;Profiles</source>
        <translation>&amp;Profiler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="82"/>
        <source>&amp;Users</source>
        <translation>&amp;Brugere</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="83"/>
        <source>R&amp;ules</source>
        <translation>&amp;Regler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="86"/>
        <source>Ru&amp;ns</source>
        <translation>&amp;Kørsler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="92"/>
        <source>&amp;Data source</source>
        <translation>&amp;Datakilde</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="95"/>
        <source>Loading the KPI setup…</source>
        <translation>Henter KPI opsætningen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="97"/>
        <source>&amp;Team view…</source>
        <translation>&amp;Teamoversigt…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="100"/>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="158"/>
        <source>%1 profiles, %2 users, %3 rules (%4 active)</source>
        <translation>%1 profiler, %2 brugere, %3 regler (%4 aktive)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="167"/>
        <source>Could not load the setup: %1</source>
        <translation>Opsætningen kunne ikke hentes: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="182"/>
        <source>Saving…</source>
        <translation>Gemmer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="208"/>
        <source>Delete</source>
        <translation>Slet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="209"/>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="299"/>
        <source>Stop the calculation? The figures stay as they were before it started.</source>
        <translation>Stop beregningen? Tallene forbliver som før den startede.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="300"/>
        <source>Stop calculation</source>
        <translation>Stop beregning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/dialog.py" line="295"/>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
</context>
<context>
    <name>PreviewModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="224"/>
        <source>User</source>
        <translation>Bruger</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="225"/>
        <source>Value today</source>
        <translation>Værdi i dag</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="228"/>
        <source>Score</source>
        <translation>Score</translation>
    </message>
</context>
<context>
    <name>ProfilesModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="67"/>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="68"/>
        <source>Users</source>
        <translation>Brugere</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="70"/>
        <source>Active rules</source>
        <translation>Aktive regler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="73"/>
        <source>Advice</source>
        <translation>Vejledning</translation>
    </message>
</context>
<context>
    <name>ProfilesPage</name>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="43"/>
        <source>Profile name, e.g. Salg</source>
        <translation>Profilens navn, f.eks. Salg</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="45"/>
        <source>&amp;New profile</source>
        <translation>&amp;Ny profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="47"/>
        <source>&amp;Rename</source>
        <translation>&amp;Omdøb</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="49"/>
        <source>&amp;Delete</source>
        <translation>&amp;Slet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="54"/>
        <source>Na&amp;me:</source>
        <translation>Na&amp;vn:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="63"/>
        <source>Step 1: the profiles users can have. Each rule applies to one or more profiles; 3–5 active rules per profile are clear and motivating.</source>
        <translation>Trin 1: de profiler, brugerne kan have. Hver regel gælder for en eller flere profiler; 3–5 aktive regler pr. profil er klart og motiverende.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="136"/>
        <source>Profile %1 created.</source>
        <translation>Profilen %1 er oprettet.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="148"/>
        <source>Profile renamed.</source>
        <translation>Profilen er omdøbt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="157"/>
        <source>Delete the profile %1?</source>
        <translation>Slet profilen %1?</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="158"/>
        <source>Delete profile</source>
        <translation>Slet profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/profiles_page.py" line="164"/>
        <source>Profile %1 deleted.</source>
        <translation>Profilen %1 er slettet.</translation>
    </message>
</context>
<context>
    <name>RuleDetail</name>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="82"/>
        <source>Target:</source>
        <translation>Mål:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="83"/>
        <source>Profiles:</source>
        <translation>Profiler:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="84"/>
        <source>Advice:</source>
        <translation>Vejledning:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="90"/>
        <source>&lt;b&gt;Preview: what the rule gives today&lt;/b&gt;</source>
        <translation>&lt;b&gt;Forhåndsvisning: hvad reglen giver i dag&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="103"/>
        <source>Choose a rule to see what it counts.</source>
        <translation>Vælg en regel for at se, hvad den tæller.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="108"/>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="108"/>
        <source>inactive</source>
        <translation>inaktiv</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="112"/>
        <source>Template: %1</source>
        <translation>Skabelon: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="118"/>
        <source>Unknown template %1</source>
        <translation>Ukendt skabelon %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="122"/>
        <source>at most %1 (lower is better)</source>
        <translation>højst %1 (lavere er bedre)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="124"/>
        <source>none yet</source>
        <translation>ingen endnu</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="137"/>
        <source>The rule applies to no profile yet.</source>
        <translation>Reglen gælder endnu ikke for nogen profil.</translation>
    </message>
</context>
<context>
    <name>RuleEditorDialog</name>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="81"/>
        <source>Edit KPI rule</source>
        <translation>Redigér KPI-regel</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="81"/>
        <source>New KPI rule</source>
        <translation>Ny KPI-regel</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="107"/>
        <source>&amp;Template</source>
        <translation>&amp;Skabelon</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="121"/>
        <source>&amp;Name</source>
        <translation>&amp;Navn</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="141"/>
        <source>T&amp;arget</source>
        <translation>&amp;Mål</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="154"/>
        <source>&amp;Profiles</source>
        <translation>&amp;Profiler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="158"/>
        <source>A&amp;ctive (calculated every night)</source>
        <translation>Ak&amp;tiv (beregnes hver nat)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="166"/>
        <source>Advice</source>
        <translation>Vejledning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="177"/>
        <location filename="../../kpidesk/gui/rule_editor.py" line="517"/>
        <source>Save</source>
        <translation>Gem</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="180"/>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="256"/>
        <source>count</source>
        <translation>antal</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="258"/>
        <source>e.g. %1</source>
        <translation>f.eks. %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="289"/>
        <source> days</source>
        <translation> dage</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="311"/>
        <source>Not found in the data</source>
        <translation>Findes ikke i data</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="312"/>
        <source>None checked: every activity type counts</source>
        <translation>Ingen valgt: alle aktivitetstyper tæller</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="318"/>
        <source>This month to date</source>
        <translation>Denne måned indtil i dag</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="319"/>
        <source>This quarter to date</source>
        <translation>Dette kvartal indtil i dag</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="320"/>
        <source>This year to date</source>
        <translation>I år indtil i dag</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="321"/>
        <source>Rolling: the last N days</source>
        <translation>Rullende: de sidste N dage</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="376"/>
        <source>Give the rule a name.</source>
        <translation>Giv reglen et navn.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="381"/>
        <source>Another rule already has this name.</source>
        <translation>En anden regel har allerede dette navn.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="385"/>
        <source>Use a whole number from %1 to %2.</source>
        <translation>Brug et helt tal fra %1 til %2.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="396"/>
        <source>Type the target.</source>
        <translation>Skriv målet.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="398"/>
        <source>The target must be a number.</source>
        <translation>Målet skal være et tal.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="400"/>
        <source>The target cannot be negative.</source>
        <translation>Målet kan ikke være negativt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="451"/>
        <source>The rule applies to no profile yet.</source>
        <translation>Reglen gælder endnu ikke for nogen profil.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="517"/>
        <source>Saving…</source>
        <translation>Gemmer…</translation>
    </message>
</context>
<context>
    <name>RulesModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="173"/>
        <source>Name</source>
        <translation>Navn</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="174"/>
        <source>Template</source>
        <translation>Skabelon</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="175"/>
        <source>Target</source>
        <translation>Mål</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="178"/>
        <source>Profiles</source>
        <translation>Profiler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="179"/>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="179"/>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="179"/>
        <source>No</source>
        <translation>Nej</translation>
    </message>
</context>
<context>
    <name>RulesPage</name>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="170"/>
        <source>&amp;New…</source>
        <translation>&amp;Ny…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="171"/>
        <source>&amp;Edit…</source>
        <translation>R&amp;ediger…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="172"/>
        <source>D&amp;uplicate</source>
        <translation>&amp;Dupliker</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="173"/>
        <source>&amp;Delete…</source>
        <translation>&amp;Slet…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="174"/>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="314"/>
        <source>Deac&amp;tivate</source>
        <translation>Deakti&amp;vér</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="175"/>
        <source>&amp;Calculate now</source>
        <translation>Beregn n&amp;u</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="192"/>
        <source>Step 3: the rules. Each is a template with parameters and a target, calculated every night for the users of its profiles.</source>
        <translation>Trin 3: reglerne. Hver er en skabelon med parametre og et mål og beregnes hver nat for brugerne i dens profiler.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="272"/>
        <source>No profile: the rule applies to nobody.</source>
        <translation>Ingen profil: reglen gælder for ingen.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="274"/>
        <source>Calculating the preview…</source>
        <translation>Beregner forhåndsvisningen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="283"/>
        <source>1 user as of today (not saved; the nightly run saves).</source>
        <translation>1 bruger pr. i dag (ikke gemt; den natlige beregning gemmer).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="285"/>
        <source>%1 users as of today (not saved; the nightly run saves).</source>
        <translation>%1 brugere pr. i dag (ikke gemt; den natlige beregning gemmer).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="289"/>
        <source>No active users in these profiles.</source>
        <translation>Ingen aktive brugere i disse profiler.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="292"/>
        <source>No preview: %1</source>
        <translation>Ingen forhåndsvisning: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="314"/>
        <source>Ac&amp;tivate</source>
        <translation>Akti&amp;vér</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="322"/>
        <source>Rule %1 saved.</source>
        <translation>Reglen %1 er gemt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="341"/>
        <source>Copied as %1 (inactive until you activate it).</source>
        <translation>Kopieret som %1 (inaktiv, indtil du aktiverer den).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="352"/>
        <source>Delete the rule %1? Its history of results is deleted with it.</source>
        <translation>Slet reglen %1? Dens historik af resultater slettes med den.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="354"/>
        <source>Delete rule</source>
        <translation>Slet regel</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="360"/>
        <source>Rule %1 deleted.</source>
        <translation>Reglen %1 er slettet.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="372"/>
        <source>Rule %1 activated.</source>
        <translation>Reglen %1 er aktiveret.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="373"/>
        <source>Rule %1 deactivated.</source>
        <translation>Reglen %1 er deaktiveret.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="381"/>
        <source>Calculating…</source>
        <translation>Beregner…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="382"/>
        <source>Calculating all KPIs for today…</source>
        <translation>Beregner alle KPI&apos;er for i dag…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="389"/>
        <source>%v of %m rules</source>
        <translation>%v af %m regler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="395"/>
        <source>Calculated for %1: %2 users, %3 rules, %4 results in %5 s.</source>
        <translation>Beregnet for %1: %2 brugere, %3 regler, %4 resultater på %5 s.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="404"/>
        <source>Not calculated: %1</source>
        <translation>Ikke beregnet: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="410"/>
        <source>The calculation failed: %1</source>
        <translation>Beregningen mislykkedes: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="174"/>
        <source>Sto&amp;p calculation…</source>
        <translation>Sto&amp;p beregningen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="406"/>
        <source>Waiting for the calculation in progress here…</source>
        <translation>Venter på beregningen, der er i gang her…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="408"/>
        <source>Waiting for a calculation on another computer…</source>
        <translation>Venter på en beregning på en anden computer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="431"/>
        <source>Calculation stopped; the figures for %1 are as they were.</source>
        <translation>Beregningen er stoppet; tallene for %1 er som de var.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/rules_page.py" line="419"/>
        <source>%v of %m rules – updating the forecasts…</source>
        <translation>%v af %m regler – opdaterer prognoserne…</translation>
    </message>
</context>
<context>
    <name>TeamModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="267"/>
        <source>User</source>
        <translation>Bruger</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="268"/>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="304"/>
        <source>Target: %1</source>
        <translation>Mål: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="291"/>
        <source>Value %1 of target %2</source>
        <translation>Værdi %1 af målet %2</translation>
    </message>
</context>
<context>
    <name>TeamViewDialog</name>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="49"/>
        <source>Team view</source>
        <translation>Teamoversigt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="58"/>
        <source>All profiles</source>
        <translation>Alle profiler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="59"/>
        <source>&amp;Profile:</source>
        <translation>&amp;Profil:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="61"/>
        <source>Loading the team&apos;s scores…</source>
        <translation>Henter teamets scorer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="86"/>
        <source>&amp;Export CSV…</source>
        <translation>&amp;Eksportér CSV…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="91"/>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="126"/>
        <source>at target</source>
        <translation>nået målet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="126"/>
        <source>50–99 %</source>
        <translation>50–99 %</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="127"/>
        <source>below 50 %</source>
        <translation>under 50 %</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="164"/>
        <source>No KPIs have been calculated yet.</source>
        <translation>Der er ikke beregnet nogen KPI&apos;er endnu.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="168"/>
        <source>Scores of 1 user as of %1</source>
        <translation>Score for 1 bruger pr. %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="170"/>
        <source>Scores of %2 users as of %1</source>
        <translation>Scorer for %2 brugere pr. %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="193"/>
        <source>The team view could not be read: %1</source>
        <translation>Teamoversigten kunne ikke hentes: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="206"/>
        <source>Export CSV</source>
        <translation>Eksportér CSV</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="207"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-filer (*.csv)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="221"/>
        <source>Exporting…</source>
        <translation>Eksporterer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="225"/>
        <source>Exported to %1</source>
        <translation>Eksporteret til %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="230"/>
        <source>Export failed: %1</source>
        <translation>Eksporten mislykkedes: %1</translation>
    </message>
</context>
<context>
    <name>TodayKpiDialog</name>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="56"/>
        <location filename="../../kpidesk/gui/today_dialog.py" line="163"/>
        <source>Today&apos;s KPIs</source>
        <translation>Dagens KPI</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="68"/>
        <location filename="../../kpidesk/gui/today_dialog.py" line="81"/>
        <source>Loading your KPIs…</source>
        <translation>Henter dine KPI&apos;er…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="101"/>
        <source>&amp;Team view…</source>
        <translation>&amp;Teamoversigt…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="105"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Opdatér</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="109"/>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="167"/>
        <source>Your KPIs could not be read: %1</source>
        <translation>Dine KPI&apos;er kunne ikke hentes: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="177"/>
        <source>Today&apos;s KPIs for %1</source>
        <translation>Dagens KPI for %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="179"/>
        <source>%1&apos;s KPIs as of %2</source>
        <translation>KPI for %1 pr. %2</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="193"/>
        <source>Calculated %1. The figures stay fixed until the next nightly run.</source>
        <translation>Beregnet %1. Tallene står fast indtil næste natlige beregning.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="197"/>
        <source>Calculated %1 on CRM data from %2. The figures stay fixed until the next nightly run.</source>
        <translation>Beregnet %1 på CRM-data fra %2. Tallene står fast indtil næste natlige beregning.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="228"/>
        <source>Your KPIs have not been calculated yet. They are calculated every night; tomorrow morning they are here (an administrator can also press “Calculate now”).</source>
        <translation>Dine KPI&apos;er er ikke beregnet endnu. De beregnes hver nat, så i morgen tidlig er de her (en administrator kan også trykke på “Beregn nu”).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="233"/>
        <source>The latest calculation has no figures for you yet; they come with the next nightly run.</source>
        <translation>Den seneste beregning har endnu ingen tal for dig; de kommer med næste natlige beregning.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="237"/>
        <source>You have no KPIs yet: an administrator gives you a profile with rules in the KPI setup.</source>
        <translation>Du har ingen KPI&apos;er endnu: en administrator giver dig en profil med regler i KPI opsætning.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="241"/>
        <source>Your profile has no active KPI rules yet: an administrator sets them up in the KPI setup.</source>
        <translation>Din profil har ingen aktive KPI-regler endnu: en administrator sætter dem op i KPI opsætning.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="244"/>
        <source>Your user is not active, so no KPIs are calculated for you.</source>
        <translation>Din bruger er ikke aktiv, så der beregnes ingen KPI&apos;er for dig.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="245"/>
        <source>There are no KPIs for you yet.</source>
        <translation>Der er ingen KPI&apos;er til dig endnu.</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="94"/>
        <source>Login</source>
        <translation>Login</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="95"/>
        <source>Name</source>
        <translation>Navn</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="96"/>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="97"/>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="100"/>
        <source>Password</source>
        <translation>Adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="112"/>
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="112"/>
        <source>User</source>
        <translation>Bruger</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="115"/>
        <source>(no profile)</source>
        <translation>(ingen profil)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="101"/>
        <source>set</source>
        <translation>sat</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="101"/>
        <source>not set</source>
        <translation>ikke sat</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="92"/>
        <source>Double-click or press F2 to change the profile</source>
        <translation>Dobbeltklik eller tryk F2 for at skifte profil</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="95"/>
        <source>Set &amp;password…</source>
        <translation>Sæt &amp;adgangskode…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="100"/>
        <source>&amp;Show:</source>
        <translation>&amp;Vis:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="108"/>
        <source>Step 2: each user&apos;s profile decides which rules they get. Double-click a profile (or press F2) to change it.</source>
        <translation>Trin 2: brugerens profil afgør, hvilke regler brugeren får. Dobbeltklik på en profil (eller tryk F2) for at skifte den.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="134"/>
        <source>All users</source>
        <translation>Alle brugere</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="137"/>
        <source>Users without a profile</source>
        <translation>Brugere uden profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="176"/>
        <source>Profile of %1 changed.</source>
        <translation>Profilen for %1 er ændret.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="184"/>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="191"/>
        <source>Set password</source>
        <translation>Sæt adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="185"/>
        <source>New password for %1:</source>
        <translation>Ny adgangskode til %1:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="191"/>
        <source>The same password again:</source>
        <translation>Den samme adgangskode igen:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="197"/>
        <source>The two passwords differ; nothing was changed.</source>
        <translation>De to adgangskoder er forskellige; intet er ændret.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup/users_page.py" line="203"/>
        <source>Password of %1 set.</source>
        <translation>Adgangskoden til %1 er sat.</translation>
    </message>
</context>
</TS>
