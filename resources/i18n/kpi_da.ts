<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name>KpiCard</name>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="178" />
        <source>Target: at most %1</source>
        <translation>Mål: højst %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="179" />
        <source>Target: %1</source>
        <translation>Mål: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="218" />
        <source>score %1</source>
        <translation>score %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="220" />
        <source>Open the chart and the explanation (Enter)</source>
        <translation>Åbn grafen og forklaringen (Enter)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="226" />
        <source>Too little history for a forecast yet.</source>
        <translation>For lidt historik til en prognose endnu.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="231" />
        <source>Forecast %1: %2</source>
        <translation>Prognose %1: %2</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="235" />
        <source>target %1</source>
        <translation>mål nået %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="237" />
        <source>on pace</source>
        <translation>i takt med målet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_card.py" line="239" />
        <source>behind pace</source>
        <translation>bagud i forhold til målet</translation>
    </message>
</context>
<context>
    <name>KpiChartDialog</name>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="239" />
        <source>Today %1 · target %2 · score %3</source>
        <translation>I dag %1 · mål %2 · score %3</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="252" />
        <source>Loading the explanation…</source>
        <translation>Henter forklaringen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="262" />
        <source>&amp;Copy call list</source>
        <translation>&amp;Kopiér ringeliste</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="292" />
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="347" />
        <source>History</source>
        <translation>Historik</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="356" />
        <source>Target</source>
        <translation>Mål</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="370" />
        <source>Forecast</source>
        <translation>Prognose</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="385" />
        <source>Target reached %1</source>
        <translation>Målet nås %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="396" />
        <source>Chart of %1</source>
        <translation>Graf over %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="404" />
        <source>No forecast yet: it needs at least a week of nightly history (%1 nights so far).</source>
        <translation>Ingen prognose endnu: den kræver mindst en uges natlig historik (%1 nætter indtil nu).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="408" />
        <source>Forecast for %1: %2 (likely between %3 and %4).</source>
        <translation>Prognose for %1: %2 (sandsynligvis mellem %3 og %4).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="415" />
        <source>At this pace the target is reached on %1.</source>
        <translation>I dette tempo nås målet %1.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="419" />
        <source>On pace for the target.</source>
        <translation>I takt med målet.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="421" />
        <source>Behind the pace the target needs.</source>
        <translation>Bagud i forhold til det tempo, målet kræver.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="453" />
        <source>&lt;b&gt;Call list&lt;/b&gt;: 1 customer still without a meeting</source>
        <translation>&lt;b&gt;Ringeliste&lt;/b&gt;: 1 kunde mangler stadig et møde</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="455" />
        <source>&lt;b&gt;Call list&lt;/b&gt;: %1 customers still without a meeting</source>
        <translation>&lt;b&gt;Ringeliste&lt;/b&gt;: %1 kunder mangler stadig et møde</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="466" />
        <source>1 record makes up today's value (%1).</source>
        <translation>1 post udgør dagens værdi (%1).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="468" />
        <source>%2 records make up today's value (%1).</source>
        <translation>%2 poster udgør dagens værdi (%1).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="451" />
        <source>&lt;b&gt;Call list&lt;/b&gt;: every customer has had a meeting.</source>
        <translation>&lt;b&gt;Ringeliste&lt;/b&gt;: alle kunder har haft et møde.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="476" />
        <source>The data changed since the night's run, which gave %1.</source>
        <translation>Data er ændret siden nattens beregning, som gav %1.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="483" />
        <source>No explanation: %1</source>
        <translation>Ingen forklaring: %1</translation>
    </message>
</context>
<context>
    <name>KpiSetupDialog</name>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="888" />
        <source>KPI setup</source>
        <translation>KPI opsætning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="908" />
        <source>&amp;Profiles</source>
        <translation>&amp;Profiler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="909" />
        <source>&amp;Users</source>
        <translation>&amp;Brugere</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="910" />
        <source>R&amp;ules</source>
        <translation>&amp;Regler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="913" />
        <source>Ru&amp;ns</source>
        <translation>&amp;Kørsler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="916" />
        <source>Loading the KPI setup…</source>
        <translation>Henter KPI opsætningen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="918" />
        <source>&amp;Team view…</source>
        <translation>&amp;Teamoversigt…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="921" />
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="979" />
        <source>%1 profiles, %2 users, %3 rules (%4 active)</source>
        <translation>%1 profiler, %2 brugere, %3 regler (%4 aktive)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="990" />
        <source>Could not load the setup: %1</source>
        <translation>Opsætningen kunne ikke hentes: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="1006" />
        <source>Saving…</source>
        <translation>Gemmer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="1033" />
        <source>Delete</source>
        <translation>Slet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="1034" />
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
</context>
<context>
    <name>PreviewModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="290" />
        <source>User</source>
        <translation>Bruger</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="290" />
        <source>Value today</source>
        <translation>Værdi i dag</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="290" />
        <source>Score</source>
        <translation>Score</translation>
    </message>
</context>
<context>
    <name>ProfilesModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="100" />
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="100" />
        <source>Users</source>
        <translation>Brugere</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="100" />
        <source>Active rules</source>
        <translation>Aktive regler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="100" />
        <source>Advice</source>
        <translation>Vejledning</translation>
    </message>
</context>
<context>
    <name>ProfilesPage</name>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="153" />
        <source>Profile name, e.g. Salg</source>
        <translation>Profilens navn, f.eks. Salg</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="155" />
        <source>&amp;New profile</source>
        <translation>&amp;Ny profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="157" />
        <source>&amp;Rename</source>
        <translation>&amp;Omdøb</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="159" />
        <source>&amp;Delete</source>
        <translation>&amp;Slet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="164" />
        <source>Na&amp;me:</source>
        <translation>Na&amp;vn:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="173" />
        <source>Step 1: the profiles users can have. Each rule applies to one or more profiles; 3–5 active rules per profile are clear and motivating.</source>
        <translation>Trin 1: de profiler, brugerne kan have. Hver regel gælder for en eller flere profiler; 3–5 aktive regler pr. profil er klart og motiverende.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="241" />
        <source>Profile %1 created.</source>
        <translation>Profilen %1 er oprettet.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="254" />
        <source>Profile renamed.</source>
        <translation>Profilen er omdøbt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="264" />
        <source>Delete the profile %1?</source>
        <translation>Slet profilen %1?</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="265" />
        <source>Delete profile</source>
        <translation>Slet profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="271" />
        <source>Profile %1 deleted.</source>
        <translation>Profilen %1 er slettet.</translation>
    </message>
</context>
<context>
    <name>RowsModel</name>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="152" />
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="152" />
        <source>no</source>
        <translation>nej</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="157" />
        <source>planned</source>
        <translation>planlagt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="157" />
        <source>done</source>
        <translation>udført</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="158" />
        <source>cancelled</source>
        <translation>aflyst</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="158" />
        <source>open</source>
        <translation>åben</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="159" />
        <source>won</source>
        <translation>vundet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/kpi_chart.py" line="159" />
        <source>lost</source>
        <translation>tabt</translation>
    </message>
</context>
<context>
    <name>RuleDetail</name>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="498" />
        <source>Target:</source>
        <translation>Mål:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="499" />
        <source>Profiles:</source>
        <translation>Profiler:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="500" />
        <source>Advice:</source>
        <translation>Vejledning:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="506" />
        <source>&lt;b&gt;Preview: what the rule gives today&lt;/b&gt;</source>
        <translation>&lt;b&gt;Forhåndsvisning: hvad reglen giver i dag&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="519" />
        <source>Choose a rule to see what it counts.</source>
        <translation>Vælg en regel for at se, hvad den tæller.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="524" />
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="524" />
        <source>inactive</source>
        <translation>inaktiv</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="528" />
        <source>Template: %1</source>
        <translation>Skabelon: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="534" />
        <source>Unknown template %1</source>
        <translation>Ukendt skabelon %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="538" />
        <source>at most %1 (lower is better)</source>
        <translation>højst %1 (lavere er bedre)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="540" />
        <source>none yet</source>
        <translation>ingen endnu</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="553" />
        <source>The rule applies to no profile yet.</source>
        <translation>Reglen gælder endnu ikke for nogen profil.</translation>
    </message>
</context>
<context>
    <name>RuleEditorDialog</name>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="79" />
        <source>Edit KPI rule</source>
        <translation>Redigér KPI-regel</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="79" />
        <source>New KPI rule</source>
        <translation>Ny KPI-regel</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="105" />
        <source>&amp;Template</source>
        <translation>&amp;Skabelon</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="119" />
        <source>&amp;Name</source>
        <translation>&amp;Navn</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="139" />
        <source>T&amp;arget</source>
        <translation>&amp;Mål</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="152" />
        <source>&amp;Profiles</source>
        <translation>&amp;Profiler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="156" />
        <source>A&amp;ctive (calculated every night)</source>
        <translation>Ak&amp;tiv (beregnes hver nat)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="164" />
        <source>Advice</source>
        <translation>Vejledning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="175" />
        <location filename="../../kpidesk/gui/rule_editor.py" line="517" />
        <source>Save</source>
        <translation>Gem</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="178" />
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="254" />
        <source>count</source>
        <translation>antal</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="256" />
        <source>e.g. %1</source>
        <translation>f.eks. %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="287" />
        <source> days</source>
        <translation> dage</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="309" />
        <source>Not found in the data</source>
        <translation>Findes ikke i data</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="310" />
        <source>None checked: every activity type counts</source>
        <translation>Ingen valgt: alle aktivitetstyper tæller</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="316" />
        <source>This month to date</source>
        <translation>Denne måned indtil i dag</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="317" />
        <source>This quarter to date</source>
        <translation>Dette kvartal indtil i dag</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="318" />
        <source>This year to date</source>
        <translation>I år indtil i dag</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="319" />
        <source>Rolling: the last N days</source>
        <translation>Rullende: de sidste N dage</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="374" />
        <source>Give the rule a name.</source>
        <translation>Giv reglen et navn.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="379" />
        <source>Another rule already has this name.</source>
        <translation>En anden regel har allerede dette navn.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="383" />
        <source>Use a whole number from %1 to %2.</source>
        <translation>Brug et helt tal fra %1 til %2.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="394" />
        <source>Type the target.</source>
        <translation>Skriv målet.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="396" />
        <source>The target must be a number.</source>
        <translation>Målet skal være et tal.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="398" />
        <source>The target cannot be negative.</source>
        <translation>Målet kan ikke være negativt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="450" />
        <source>The rule applies to no profile yet.</source>
        <translation>Reglen gælder endnu ikke for nogen profil.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/rule_editor.py" line="517" />
        <source>Saving…</source>
        <translation>Gemmer…</translation>
    </message>
</context>
<context>
    <name>RulesModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="237" />
        <source>Name</source>
        <translation>Navn</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="237" />
        <source>Template</source>
        <translation>Skabelon</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="237" />
        <source>Target</source>
        <translation>Mål</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="237" />
        <source>Profiles</source>
        <translation>Profiler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="238" />
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="259" />
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="259" />
        <source>No</source>
        <translation>Nej</translation>
    </message>
</context>
<context>
    <name>RulesPage</name>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="586" />
        <source>&amp;New…</source>
        <translation>&amp;Ny…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="587" />
        <source>&amp;Edit…</source>
        <translation>R&amp;ediger…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="588" />
        <source>D&amp;uplicate</source>
        <translation>&amp;Dupliker</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="589" />
        <source>&amp;Delete…</source>
        <translation>&amp;Slet…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="590" />
        <location filename="../../kpidesk/gui/setup_dialog.py" line="735" />
        <source>Deac&amp;tivate</source>
        <translation>Deakti&amp;vér</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="591" />
        <source>&amp;Calculate now</source>
        <translation>Beregn n&amp;u</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="608" />
        <source>Step 3: the rules. Each is a template with parameters and a target, calculated every night for the users of its profiles.</source>
        <translation>Trin 3: reglerne. Hver er en skabelon med parametre og et mål og beregnes hver nat for brugerne i dens profiler.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="692" />
        <source>No profile: the rule applies to nobody.</source>
        <translation>Ingen profil: reglen gælder for ingen.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="694" />
        <source>Calculating the preview…</source>
        <translation>Beregner forhåndsvisningen…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="705" />
        <source>1 user as of today (not saved; the nightly run saves).</source>
        <translation>1 bruger pr. i dag (ikke gemt; den natlige beregning gemmer).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="707" />
        <source>%1 users as of today (not saved; the nightly run saves).</source>
        <translation>%1 brugere pr. i dag (ikke gemt; den natlige beregning gemmer).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="711" />
        <source>No active users in these profiles.</source>
        <translation>Ingen aktive brugere i disse profiler.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="716" />
        <source>No preview: %1</source>
        <translation>Ingen forhåndsvisning: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="735" />
        <source>Ac&amp;tivate</source>
        <translation>Akti&amp;vér</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="759" />
        <source>Rule %1 saved.</source>
        <translation>Reglen %1 er gemt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="777" />
        <source>Copied as %1 (inactive until you activate it).</source>
        <translation>Kopieret som %1 (inaktiv, indtil du aktiverer den).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="788" />
        <source>Delete the rule %1? Its history of results is deleted with it.</source>
        <translation>Slet reglen %1? Dens historik af resultater slettes med den.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="790" />
        <source>Delete rule</source>
        <translation>Slet regel</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="796" />
        <source>Rule %1 deleted.</source>
        <translation>Reglen %1 er slettet.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="808" />
        <source>Rule %1 activated.</source>
        <translation>Reglen %1 er aktiveret.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="809" />
        <source>Rule %1 deactivated.</source>
        <translation>Reglen %1 er deaktiveret.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="821" />
        <source>Calculating…</source>
        <translation>Beregner…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="823" />
        <source>Calculating all KPIs for today…</source>
        <translation>Beregner alle KPI'er for i dag…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="842" />
        <source>%v of %m rules</source>
        <translation>%v af %m regler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="850" />
        <source>Calculated for %1: %2 users, %3 rules, %4 results in %5 s.</source>
        <translation>Beregnet for %1: %2 brugere, %3 regler, %4 resultater på %5 s.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="859" />
        <source>Not calculated: %1</source>
        <translation>Ikke beregnet: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="867" />
        <source>The calculation failed: %1</source>
        <translation>Beregningen mislykkedes: %1</translation>
    </message>
</context>
<context>
    <name>TeamModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="367" />
        <source>User</source>
        <translation>Bruger</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="369" />
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="374" />
        <source>Target: %1</source>
        <translation>Mål: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="404" />
        <source>Value %1 of target %2</source>
        <translation>Værdi %1 af målet %2</translation>
    </message>
</context>
<context>
    <name>TeamViewDialog</name>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="48" />
        <source>Team view</source>
        <translation>Teamoversigt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="56" />
        <source>All profiles</source>
        <translation>Alle profiler</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="57" />
        <source>&amp;Profile:</source>
        <translation>&amp;Profil:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="59" />
        <source>Loading the team's scores…</source>
        <translation>Henter teamets scorer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="81" />
        <source>&amp;Export CSV…</source>
        <translation>&amp;Eksportér CSV…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="86" />
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="120" />
        <source>at target</source>
        <translation>nået målet</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="120" />
        <source>50–99 %</source>
        <translation>50–99 %</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="121" />
        <source>below 50 %</source>
        <translation>under 50 %</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="169" />
        <source>No KPIs have been calculated yet.</source>
        <translation>Der er ikke beregnet nogen KPI'er endnu.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="173" />
        <source>Scores of 1 user as of %1</source>
        <translation>Score for 1 bruger pr. %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="175" />
        <source>Scores of %2 users as of %1</source>
        <translation>Scorer for %2 brugere pr. %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="184" />
        <source>The team view could not be read: %1</source>
        <translation>Teamoversigten kunne ikke hentes: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="197" />
        <source>Export CSV</source>
        <translation>Eksportér CSV</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="198" />
        <source>CSV files (*.csv)</source>
        <translation>CSV-filer (*.csv)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="212" />
        <source>Exporting…</source>
        <translation>Eksporterer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="216" />
        <source>Exported to %1</source>
        <translation>Eksporteret til %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/team_view.py" line="221" />
        <source>Export failed: %1</source>
        <translation>Eksporten mislykkedes: %1</translation>
    </message>
</context>
<context>
    <name>TodayKpiDialog</name>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="51" />
        <location filename="../../kpidesk/gui/today_dialog.py" line="159" />
        <source>Today's KPIs</source>
        <translation>Dagens KPI</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="63" />
        <location filename="../../kpidesk/gui/today_dialog.py" line="75" />
        <source>Loading your KPIs…</source>
        <translation>Henter dine KPI'er…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="94" />
        <source>&amp;Team view…</source>
        <translation>&amp;Teamoversigt…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="98" />
        <source>&amp;Refresh</source>
        <translation>&amp;Opdatér</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="102" />
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="162" />
        <source>Your KPIs could not be read: %1</source>
        <translation>Dine KPI'er kunne ikke hentes: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="172" />
        <source>Today's KPIs for %1</source>
        <translation>Dagens KPI for %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="174" />
        <source>%1's KPIs as of %2</source>
        <translation>KPI for %1 pr. %2</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="183" />
        <source>Calculated %1. The figures stay fixed until the next nightly run.</source>
        <translation>Beregnet %1. Tallene står fast indtil næste natlige beregning.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="192" />
        <source>Your KPIs have not been calculated yet. They are calculated every night; tomorrow morning they are here (an administrator can also press “Calculate now”).</source>
        <translation>Dine KPI'er er ikke beregnet endnu. De beregnes hver nat, så i morgen tidlig er de her (en administrator kan også trykke på “Beregn nu”).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="197" />
        <source>The latest calculation has no figures for you yet; they come with the next nightly run.</source>
        <translation>Den seneste beregning har endnu ingen tal for dig; de kommer med næste natlige beregning.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="201" />
        <source>You have no KPIs yet: an administrator gives you a profile with rules in the KPI setup.</source>
        <translation>Du har ingen KPI'er endnu: en administrator giver dig en profil med regler i KPI opsætning.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="205" />
        <source>Your profile has no active KPI rules yet: an administrator sets them up in the KPI setup.</source>
        <translation>Din profil har ingen aktive KPI-regler endnu: en administrator sætter dem op i KPI opsætning.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="208" />
        <source>Your user is not active, so no KPIs are calculated for you.</source>
        <translation>Din bruger er ikke aktiv, så der beregnes ingen KPI'er for dig.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/today_dialog.py" line="209" />
        <source>There are no KPIs for you yet.</source>
        <translation>Der er ingen KPI'er til dig endnu.</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="144" />
        <source>Login</source>
        <translation>Login</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="144" />
        <source>Name</source>
        <translation>Navn</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="144" />
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="144" />
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="145" />
        <source>Password</source>
        <translation>Adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="154" />
        <source>Administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="154" />
        <source>User</source>
        <translation>Bruger</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="157" />
        <source>(no profile)</source>
        <translation>(ingen profil)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="170" />
        <source>set</source>
        <translation>sat</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="170" />
        <source>not set</source>
        <translation>ikke sat</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_models.py" line="175" />
        <source>Double-click or press F2 to change the profile</source>
        <translation>Dobbeltklik eller tryk F2 for at skifte profil</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="340" />
        <source>Set &amp;password…</source>
        <translation>Sæt &amp;adgangskode…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="345" />
        <source>&amp;Show:</source>
        <translation>&amp;Vis:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="353" />
        <source>Step 2: each user's profile decides which rules they get. Double-click a profile (or press F2) to change it.</source>
        <translation>Trin 2: brugerens profil afgør, hvilke regler brugeren får. Dobbeltklik på en profil (eller tryk F2) for at skifte den.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="375" />
        <source>All users</source>
        <translation>Alle brugere</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="378" />
        <source>Users without a profile</source>
        <translation>Brugere uden profil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="415" />
        <source>Profile of %1 changed.</source>
        <translation>Profilen for %1 er ændret.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="423" />
        <location filename="../../kpidesk/gui/setup_dialog.py" line="430" />
        <source>Set password</source>
        <translation>Sæt adgangskode</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="424" />
        <source>New password for %1:</source>
        <translation>Ny adgangskode til %1:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="430" />
        <source>The same password again:</source>
        <translation>Den samme adgangskode igen:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="436" />
        <source>The two passwords differ; nothing was changed.</source>
        <translation>De to adgangskoder er forskellige; intet er ændret.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/setup_dialog.py" line="442" />
        <source>Password of %1 set.</source>
        <translation>Adgangskoden til %1 er sat.</translation>
    </message>
</context>
</TS>